//! User-pool domains: CreateUserPoolDomain, DescribeUserPoolDomain,
//! UpdateUserPoolDomain and DeleteUserPoolDomain, the pool's `Domain` and
//! `CustomDomain` in DescribeUserPool, and [`Service::pool_by_domain`], which
//! the hosted endpoints use to find the pool a request's host belongs to.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-assign-domain.html>
//!
//! A domain is a *prefix* (`myprefix`, served at
//! `myprefix.auth.<region>.amazoncognito.com`) or a *custom* domain
//! (`auth.example.com`); the request's `CustomDomainConfig` decides which.
//! A domain is unique across all pools, and a pool holds at most one of each
//! kind; both are unique indexes of the store, so racing writers cannot both
//! win. kognit issues no certificate and runs no CloudFront distribution: the
//! CloudFront names it answers with are placeholders, stable per domain.

use kognit_wire::types::*;
use serde::{Deserialize, Serialize};

use crate::pools::no_pool;
use crate::service::{Millis, Service};
use crate::store::{Conflict, DomainRecord, StoreError};
use crate::{Error, Result};

/// The model's pattern of a prefix domain, which Cognito quotes when a
/// prefix breaks it.
const PREFIX_PATTERN: &str = r"^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$";

/// Words a prefix may not contain, checked in this order. Cognito answers
/// `Domain cannot contain reserved word: aws` (CloudTrail record in
/// aws-solutions/content-analysis-on-aws#8) and `…: cognito` for the prefix
/// `newcognito` (aws-amplify/amplify-cli#3854): a substring rule.
const RESERVED_WORDS: [&str; 3] = ["aws", "amazon", "cognito"];

/// ManagedLoginVersion when the request gives none: hosted UI (classic).
const DEFAULT_MANAGED_LOGIN_VERSION: i32 = 1;

/// What the store keeps of a domain besides its name, pool and kind.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct DomainDoc {
    /// The certificate of a custom domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    custom_domain_config: Option<CustomDomainConfigType>,
    /// 1 (hosted UI, classic) or 2 (managed login).
    managed_login_version: i32,
    /// The replica routing, kept as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    routing: Option<RoutingType>,
    /// DomainDescription's Version: the UTC time of the last change,
    /// `yyyyMMddHHmmss`, the form Cognito's answers show.
    version: String,
}

fn decode(rec: &DomainRecord) -> Result<DomainDoc> {
    serde_json::from_str(&rec.config).map_err(Error::internal)
}

fn encode(doc: &DomainDoc) -> Result<String> {
    serde_json::to_string(doc).map_err(Error::internal)
}

/// Cognito's answer when the domain is held already, by any pool
/// (aws-samples/websocket-chat-application#56 and many CDK reports).
fn domain_taken() -> Error {
    Error::invalid_parameter("Domain already associated with another user pool.")
}

/// The answer when the pool has a domain of this kind already.
fn pool_has_domain() -> Error {
    Error::invalid_parameter("User pool already has a domain configured.")
}

/// The answer for Update/DeleteUserPoolDomain naming a domain the pool does
/// not hold.
fn no_domain() -> Error {
    Error::invalid_parameter("No such domain or user pool exists.")
}

/// Checks a prefix domain with Cognito's messages: the model's pattern (a
/// custom domain sent without `CustomDomainConfig` fails here, as in
/// mineiros-io/terraform-aws-cognito-user-pool#69), then the reserved words.
fn check_prefix(prefix: &str) -> Result<()> {
    let label_ok = !prefix.is_empty()
        && prefix.len() <= 63
        && prefix
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !prefix.starts_with('-')
        && !prefix.ends_with('-');
    if !label_ok {
        return Err(Error::invalid_parameter(format!(
            "The domain name contains an invalid character. Domain names can only contain \
             lower-case letters, numbers, and hyphens. Please enter a different name that \
             follows this format: {PREFIX_PATTERN}"
        )));
    }
    if let Some(word) = RESERVED_WORDS.iter().find(|w| prefix.contains(*w)) {
        return Err(Error::invalid_parameter(format!(
            "Domain cannot contain reserved word: {word}"
        )));
    }
    Ok(())
}

/// `yyyyMMddHHmmss` in UTC (also UICustomization's CSSVersion).
pub(crate) fn version_stamp(now: Millis) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(now.div_euclid(1000))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// The placeholder CloudFront name of a domain: shaped like Cognito's
/// (`d` and 13 characters, `.cloudfront.net`), stable per domain.
fn cloudfront_name(domain: &str) -> String {
    let digest = hex::encode(crate::crypto::sha256(domain.as_bytes()));
    format!("d{}.cloudfront.net", &digest[..13])
}

impl Service {
    /// The domains a pool holds: (prefix, custom), for DescribeUserPool.
    pub async fn pool_domains(&self, pool_id: &str) -> Result<(Option<String>, Option<String>)> {
        let mut prefix = None;
        let mut custom = None;
        for rec in self.store.list_pool_domains(pool_id).await? {
            if rec.custom {
                custom = Some(rec.domain);
            } else {
                prefix = Some(rec.domain);
            }
        }
        Ok((prefix, custom))
    }

    /// The pool whose domain `host` is: a prefix (`myprefix`), the whole
    /// prefix host name (`myprefix.auth.<region>.amazoncognito.com`), or a
    /// custom domain. Host names compare case-insensitively.
    pub async fn pool_by_domain(&self, host: &str) -> Result<Option<String>> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let suffix = format!(".auth.{}.amazoncognito.com", self.settings.region);
        let name = host.strip_suffix(&suffix).unwrap_or(&host);
        Ok(self.store.get_domain(name).await?.map(|d| d.pool_id))
    }

    /// CreateUserPoolDomain.
    pub async fn create_user_pool_domain(
        &self,
        _admin: &crate::service::Admin,
        req: CreateUserPoolDomainRequest,
        now: Millis,
    ) -> Result<CreateUserPoolDomainResponse> {
        let custom = req.custom_domain_config.is_some();
        if !custom {
            check_prefix(&req.domain)?;
        }
        let doc = DomainDoc {
            custom_domain_config: req.custom_domain_config,
            managed_login_version: req
                .managed_login_version
                .unwrap_or(DEFAULT_MANAGED_LOGIN_VERSION),
            routing: req.routing,
            version: version_stamp(now),
        };
        let rec = DomainRecord {
            domain: req.domain,
            pool_id: req.user_pool_id,
            custom,
            config: encode(&doc)?,
            created_ms: now,
            updated_ms: now,
        };
        match self.store.insert_domain(&rec).await {
            Ok(()) => Ok(CreateUserPoolDomainResponse {
                cloud_front_domain: custom.then(|| cloudfront_name(&rec.domain)),
                managed_login_version: Some(doc.managed_login_version),
                routing: doc.routing,
            }),
            Err(StoreError::Conflict(Conflict::Domain)) => Err(domain_taken()),
            // Both constraints can fire for the pool's own domain; which
            // one an engine reports first differs, so the name decides.
            Err(StoreError::Conflict(Conflict::PoolDomain)) => {
                match self.store.get_domain(&rec.domain).await? {
                    Some(_) => Err(domain_taken()),
                    None => Err(pool_has_domain()),
                }
            }
            Err(StoreError::Conflict(Conflict::MissingPool)) => Err(no_pool(&rec.pool_id)),
            Err(e) => Err(e.into()),
        }
    }

    /// DescribeUserPoolDomain. An unknown domain is no error: Cognito
    /// answers 200 with an empty `DomainDescription` (moto's
    /// `test_delete_user_pool_domain` notes this of the real service).
    pub async fn describe_user_pool_domain(
        &self,
        _admin: &crate::service::Admin,
        req: DescribeUserPoolDomainRequest,
    ) -> Result<DescribeUserPoolDomainResponse> {
        let Some(rec) = self.store.get_domain(&req.domain).await? else {
            return Ok(DescribeUserPoolDomainResponse {
                domain_description: Some(DomainDescriptionType::default()),
            });
        };
        let doc = decode(&rec)?;
        Ok(DescribeUserPoolDomainResponse {
            domain_description: Some(DomainDescriptionType {
                aws_account_id: Some(self.settings.account_id.clone()),
                cloud_front_distribution: Some(cloudfront_name(&rec.domain)),
                custom_domain_config: doc.custom_domain_config,
                managed_login_version: Some(doc.managed_login_version),
                routing: doc.routing,
                s3_bucket: None,
                status: Some(DomainStatusType::Active.as_str().to_owned()),
                user_pool_id: Some(rec.pool_id),
                version: Some(doc.version),
                domain: Some(rec.domain),
            }),
        })
    }

    /// UpdateUserPoolDomain: sets ManagedLoginVersion and, for a custom
    /// domain, the certificate; what the request leaves out is kept. The
    /// domain's name and kind never change ("To change your domain, delete
    /// it … and create a new domain").
    pub async fn update_user_pool_domain(
        &self,
        _admin: &crate::service::Admin,
        req: UpdateUserPoolDomainRequest,
        now: Millis,
    ) -> Result<UpdateUserPoolDomainResponse> {
        let mut rec = self.held_domain(&req.user_pool_id, &req.domain).await?;
        let mut doc = decode(&rec)?;
        if let Some(v) = req.managed_login_version {
            doc.managed_login_version = v;
        }
        // A prefix domain has no certificate; a config sent for one is
        // ignored rather than turning the prefix into a custom domain.
        if rec.custom
            && let Some(config) = req.custom_domain_config
        {
            doc.custom_domain_config = Some(config);
        }
        if req.routing.is_some() {
            doc.routing = req.routing;
        }
        doc.version = version_stamp(now);
        rec.config = encode(&doc)?;
        rec.updated_ms = now;
        if !self.store.update_domain(&rec).await? {
            return Err(no_domain());
        }
        Ok(UpdateUserPoolDomainResponse {
            cloud_front_domain: rec.custom.then(|| cloudfront_name(&rec.domain)),
            managed_login_version: Some(doc.managed_login_version),
            routing: doc.routing,
        })
    }

    /// DeleteUserPoolDomain; the pool id must be the domain's.
    pub async fn delete_user_pool_domain(
        &self,
        _admin: &crate::service::Admin,
        req: DeleteUserPoolDomainRequest,
    ) -> Result<()> {
        if self
            .store
            .delete_domain(&req.user_pool_id, &req.domain)
            .await?
        {
            return Ok(());
        }
        // Asked only after a miss: the pool's own error when it is missing.
        self.held_domain(&req.user_pool_id, &req.domain)
            .await
            .map(|_| ())
    }

    /// The domain when `pool_id` holds it; otherwise the pool's error when
    /// the pool is missing, else [`no_domain`].
    async fn held_domain(&self, pool_id: &str, domain: &str) -> Result<DomainRecord> {
        match self.store.get_domain(domain).await? {
            Some(rec) if rec.pool_id == pool_id => Ok(rec),
            _ => match self.store.get_pool(pool_id).await? {
                Some(_) => Err(no_domain()),
                None => Err(no_pool(pool_id)),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_rules() {
        assert!(check_prefix("my-prefix-1").is_ok());
        for bad in ["-a", "a-", "My", "a.b", "a_b", ""] {
            let e = check_prefix(bad).unwrap_err();
            assert!(e.message.contains("invalid character"), "{bad}");
        }
        let e = check_prefix("newcognito").unwrap_err();
        assert_eq!(e.message, "Domain cannot contain reserved word: cognito");
        let e = check_prefix("aws-content-amazon").unwrap_err();
        assert_eq!(e.message, "Domain cannot contain reserved word: aws");
    }

    #[test]
    fn version_and_cloudfront_names() {
        assert_eq!(version_stamp(1_548_697_642_000), "20190128174722");
        let name = cloudfront_name("auth.example.com");
        assert_eq!(name.len(), "d".len() + 13 + ".cloudfront.net".len());
        assert_eq!(name, cloudfront_name("auth.example.com"));
        assert_ne!(name, cloudfront_name("auth.example.org"));
    }
}
