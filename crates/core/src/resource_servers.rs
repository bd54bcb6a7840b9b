//! OAuth 2.0 resource servers and their custom scopes: CreateResourceServer,
//! DescribeResourceServer, UpdateResourceServer, DeleteResourceServer and
//! ListResourceServers; and [`Service::scope_exists`], which the token
//! endpoint asks about a custom scope.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html>

use kognit_wire::error::ErrorCode;
use kognit_wire::types::*;

use crate::groups::page;
use crate::page_token::decode as decode_token;
use crate::pools::no_pool;
use crate::service::{Admin, Millis, Service};
use crate::store::{Conflict, ResourceServerRecord, StoreError};
use crate::{Error, Result};

/// The most resource servers one pool can hold. Cognito's default quota is
/// 25, raised on request up to 300; kognit allows what Cognito can.
/// <https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html>
pub const MAX_RESOURCE_SERVERS_PER_POOL: u32 = 300;

/// The most a ListResourceServers page holds (the model's
/// ListResourceServersLimitType), also when MaxResults is absent.
const MAX_PAGE: u32 = 50;

fn server_not_found(identifier: &str) -> Error {
    Error::not_found(format!("Resource server {identifier} does not exist."))
}

/// The page size a request asks for: 1 to 50, 50 when absent.
fn page_limit(max_results: Option<i32>) -> u32 {
    match max_results {
        Some(n) if n > 0 => u32::try_from(n).unwrap_or(MAX_PAGE).min(MAX_PAGE),
        _ => MAX_PAGE,
    }
}

/// The scopes as stored: JSON text of the wire shape.
fn scopes_text(scopes: &[ResourceServerScopeType]) -> Result<String> {
    serde_json::to_string(scopes).map_err(Error::internal)
}

/// The scopes of a stored resource server.
fn stored_scopes(rec: &ResourceServerRecord) -> Result<Vec<ResourceServerScopeType>> {
    serde_json::from_str(&rec.scopes).map_err(Error::internal)
}

/// The ResourceServerType of a stored resource server. A server without
/// scopes answers without `Scopes`, as moto does (not verified against AWS).
fn server_type(rec: &ResourceServerRecord) -> Result<ResourceServerType> {
    let scopes = stored_scopes(rec)?;
    Ok(ResourceServerType {
        user_pool_id: Some(rec.pool_id.clone()),
        identifier: Some(rec.identifier.clone()),
        name: Some(rec.name.clone()),
        scopes: (!scopes.is_empty()).then_some(scopes),
        // Only resource servers Cognito itself made carry ManagedBy.
        managed_by: None,
    })
}

/// Splits a custom scope `identifier/scope-name` at its last `/`: scope
/// names cannot hold one (the model's ResourceServerScopeNameType), while
/// identifiers can (`https://api.example.com/v1/read`).
fn split_scope(scope: &str) -> Option<(&str, &str)> {
    scope
        .rsplit_once('/')
        .filter(|(id, name)| !id.is_empty() && !name.is_empty())
}

impl Service {
    /// The error for a resource server that was not found: the pool's when
    /// the pool is missing too. Asked only after a miss, so the common path
    /// reads the resource server alone.
    async fn missing_server(&self, pool_id: &str, identifier: &str) -> Error {
        match self.store.get_pool(pool_id).await {
            Ok(Some(_)) => server_not_found(identifier),
            Ok(None) => no_pool(pool_id),
            Err(e) => e.into(),
        }
    }

    /// Whether `scope` (`identifier/scope-name`) is a custom scope of one of
    /// the pool's resource servers. False for anything else, including the
    /// standard scopes (`openid`, `email`, …) and an unknown pool.
    pub(crate) async fn scope_exists(&self, pool_id: &str, scope: &str) -> Result<bool> {
        let Some((identifier, name)) = split_scope(scope) else {
            return Ok(false);
        };
        match self.store.get_resource_server(pool_id, identifier).await? {
            Some(rec) => Ok(stored_scopes(&rec)?.iter().any(|s| s.scope_name == name)),
            None => Ok(false),
        }
    }

    /// Each custom scope a client names in AllowedOAuthScopes must exist in
    /// one of the pool's resource servers (ScopeDoesNotExistException).
    pub(crate) async fn check_custom_scopes(
        &self,
        pool_id: &str,
        client: &UserPoolClientType,
    ) -> Result<()> {
        for s in client.allowed_o_auth_scopes.iter().flatten() {
            if !crate::scopes::is_standard(s) && !self.scope_exists(pool_id, s).await? {
                return Err(Error::new(
                    ErrorCode::ScopeDoesNotExistException,
                    format!("Invalid scope requested: {s}"),
                ));
            }
        }
        Ok(())
    }

    /// CreateResourceServer. The identifier is unique per pool, enforced by
    /// the store; Cognito answers a taken one with InvalidParameterException
    /// (its model has no "exists" exception for this operation).
    pub async fn create_resource_server(
        &self,
        _admin: &Admin,
        req: CreateResourceServerRequest,
        now: Millis,
    ) -> Result<CreateResourceServerResponse> {
        let rec = ResourceServerRecord {
            pool_id: req.user_pool_id,
            identifier: req.identifier,
            name: req.name,
            scopes: scopes_text(req.scopes.as_deref().unwrap_or_default())?,
            created_ms: now,
            updated_ms: now,
        };
        match self
            .store
            .insert_resource_server(&rec, MAX_RESOURCE_SERVERS_PER_POOL)
            .await
        {
            Ok(true) => Ok(CreateResourceServerResponse {
                resource_server: Some(server_type(&rec)?),
            }),
            Ok(false) => Err(Error::new(
                ErrorCode::LimitExceededException,
                format!(
                    "A user pool can have at most {MAX_RESOURCE_SERVERS_PER_POOL} resource servers."
                ),
            )),
            Err(StoreError::Conflict(Conflict::ResourceServer)) => {
                Err(Error::invalid_parameter(format!(
                    "{} already exists in user pool {}.",
                    rec.identifier, rec.pool_id
                )))
            }
            Err(StoreError::Conflict(Conflict::MissingPool)) => Err(no_pool(&rec.pool_id)),
            Err(e) => Err(e.into()),
        }
    }

    /// DescribeResourceServer.
    pub async fn describe_resource_server(
        &self,
        _admin: &Admin,
        req: DescribeResourceServerRequest,
    ) -> Result<DescribeResourceServerResponse> {
        let (pool_id, identifier) = (req.user_pool_id, req.identifier);
        match self
            .store
            .get_resource_server(&pool_id, &identifier)
            .await?
        {
            Some(rec) => Ok(DescribeResourceServerResponse {
                resource_server: Some(server_type(&rec)?),
            }),
            None => Err(self.missing_server(&pool_id, &identifier).await),
        }
    }

    /// UpdateResourceServer: replaces the name and the scopes; scopes left
    /// out become none ("If you don't provide a value for an attribute, it
    /// is set to the default value").
    /// <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateResourceServer.html>
    pub async fn update_resource_server(
        &self,
        _admin: &Admin,
        req: UpdateResourceServerRequest,
        now: Millis,
    ) -> Result<UpdateResourceServerResponse> {
        let (pool_id, identifier) = (req.user_pool_id, req.identifier);
        let scopes = scopes_text(req.scopes.as_deref().unwrap_or_default())?;
        match self
            .store
            .update_resource_server(&pool_id, &identifier, &req.name, &scopes, now)
            .await?
        {
            Some(rec) => Ok(UpdateResourceServerResponse {
                resource_server: Some(server_type(&rec)?),
            }),
            None => Err(self.missing_server(&pool_id, &identifier).await),
        }
    }

    /// DeleteResourceServer. App clients that allow its scopes keep them in
    /// their settings; tokens can no longer carry them.
    pub async fn delete_resource_server(
        &self,
        _admin: &Admin,
        req: DeleteResourceServerRequest,
    ) -> Result<()> {
        let (pool_id, identifier) = (req.user_pool_id, req.identifier);
        if self
            .store
            .delete_resource_server(&pool_id, &identifier)
            .await?
        {
            Ok(())
        } else {
            Err(self.missing_server(&pool_id, &identifier).await)
        }
    }

    /// ListResourceServers, ordered by identifier (bytewise); NextToken is
    /// opaque to the caller.
    pub async fn list_resource_servers(
        &self,
        _admin: &Admin,
        req: ListResourceServersRequest,
    ) -> Result<ListResourceServersResponse> {
        let pool_id = req.user_pool_id;
        // An empty page must tell a pool without resource servers from no
        // pool at all.
        if self.store.get_pool(&pool_id).await?.is_none() {
            return Err(no_pool(&pool_id));
        }
        let limit = page_limit(req.max_results);
        let after = req.next_token.as_deref().map(decode_token).transpose()?;
        let recs = self
            .store
            .list_resource_servers(&pool_id, after.as_deref(), limit + 1)
            .await?;
        let (recs, next_token) = page(recs, limit, |r| &r.identifier);
        Ok(ListResourceServersResponse {
            resource_servers: Some(recs.iter().map(server_type).collect::<Result<_>>()?),
            next_token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_split_at_the_last_slash() {
        assert_eq!(split_scope("api/read"), Some(("api", "read")));
        assert_eq!(
            split_scope("https://api.example.com/v1/read"),
            Some(("https://api.example.com/v1", "read"))
        );
        assert_eq!(split_scope("openid"), None);
        assert_eq!(split_scope("api/"), None);
        assert_eq!(split_scope("/read"), None);
    }

    #[test]
    fn page_limit_defaults_and_caps() {
        assert_eq!(page_limit(None), 50);
        assert_eq!(page_limit(Some(7)), 7);
        assert_eq!(page_limit(Some(500)), 50);
    }
}
