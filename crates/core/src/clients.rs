//! App clients: create, describe, update, delete, list, and secret rotation.
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html>

use kognit_wire::types::*;

use crate::client_rules as rules;
use crate::page_token::decode as decode_token;
use crate::pool_defaults::from_request;
use crate::service::{Admin, Millis, Service, epoch_seconds};
use crate::store::{ClientRecord, ClientSecretRecord, StoreError};
use crate::{Error, Result, ids};

/// A client checked and ready to store, without its id yet.
pub(crate) struct NewClient {
    /// The pool it belongs to.
    pub(crate) pool_id: String,
    /// Its settings, defaults filled in.
    pub(crate) client: UserPoolClientType,
    /// Its secret (given or generated), if it has one.
    pub(crate) secret: Option<String>,
}

/// Cognito keeps at most two secrets per client, for rotation without downtime.
pub const MAX_SECRETS: u32 = 2;

/// Cognito's answer for a client id that names no client of the pool.
pub(crate) fn no_client(client_id: &str) -> Error {
    Error::not_found(format!("User pool client {client_id} does not exist."))
}

impl Service {
    /// The associated data that binds a sealed client secret to its row.
    fn secret_aad(pool_id: &str, client_id: &str, secret_id: &str) -> Vec<u8> {
        format!("client-secret\0{pool_id}\0{client_id}\0{secret_id}").into_bytes()
    }

    fn seal_secret(
        &self,
        pool_id: &str,
        client_id: &str,
        value: &str,
        now: Millis,
    ) -> ClientSecretRecord {
        let secret_id = ids::client_secret_id(client_id);
        let aad = Self::secret_aad(pool_id, client_id, &secret_id);
        ClientSecretRecord {
            pool_id: pool_id.into(),
            client_id: client_id.into(),
            sealed: self.secrets.seal(value.as_bytes(), &aad),
            secret_id,
            created_ms: now,
        }
    }

    /// The plain values of a client's secrets, oldest first.
    pub async fn client_secrets(&self, pool_id: &str, client_id: &str) -> Result<Vec<String>> {
        let recs = self.store.list_client_secrets(pool_id, client_id).await?;
        recs.iter()
            .map(|r| {
                let aad = Self::secret_aad(pool_id, client_id, &r.secret_id);
                self.secrets
                    .open(&r.sealed, &aad)
                    .and_then(|b| String::from_utf8(b).ok())
                    .ok_or_else(|| {
                        Error::internal("a client secret did not open under the master key")
                    })
            })
            .collect()
    }

    /// Loads a client of an existing pool, or answers ResourceNotFoundException.
    pub async fn load_client(
        &self,
        pool_id: &str,
        client_id: &str,
    ) -> Result<(ClientRecord, UserPoolClientType)> {
        self.load_pool(pool_id).await?;
        let rec = self
            .store
            .get_client(pool_id, client_id)
            .await?
            .ok_or_else(|| no_client(client_id))?;
        let c = serde_json::from_str(&rec.config).map_err(Error::internal)?;
        Ok((rec, c))
    }

    /// CreateUserPoolClient.
    pub async fn create_user_pool_client(
        &self,
        _admin: &Admin,
        req: CreateUserPoolClientRequest,
        now: Millis,
    ) -> Result<CreateUserPoolClientResponse> {
        let mut new = self.new_client(&req, now).await?;
        for _ in 0..8 {
            match self
                .insert_new_client(&mut new, &ids::client_id(), now)
                .await?
            {
                Some(c) => {
                    return Ok(CreateUserPoolClientResponse {
                        user_pool_client: Some(c),
                    });
                }
                // Either the random id collided (retry) or the pool was deleted meanwhile.
                None => {
                    self.load_pool(&new.pool_id).await?;
                }
            }
        }
        Err(Error::internal("could not find a free client id"))
    }

    /// A new client as CreateUserPoolClient makes it from `req` (no id yet),
    /// with every rule of CreateUserPoolClient checked.
    pub(crate) async fn new_client(
        &self,
        req: &CreateUserPoolClientRequest,
        now: Millis,
    ) -> Result<NewClient> {
        let pool_id = req.user_pool_id.clone();
        let (_, pool) = self.load_pool(&pool_id).await?;
        if req.generate_secret == Some(true) && req.client_secret.is_some() {
            return Err(Error::invalid_parameter(
                "You cannot specify both GenerateSecret as true and provide a ClientSecret value.",
            ));
        }
        let secret = match (&req.client_secret, req.generate_secret) {
            (Some(s), _) => Some(s.clone()),
            (None, Some(true)) => Some(ids::client_secret()),
            _ => None,
        };
        let mut c: UserPoolClientType = from_request(req)?;
        c.client_secret = None;
        c.creation_date = Some(epoch_seconds(now));
        c.last_modified_date = Some(epoch_seconds(now));
        self.check_client(&mut c, &pool, secret.is_some(), true)?;
        self.check_custom_scopes(&pool_id, &c).await?;
        Ok(NewClient {
            pool_id,
            client: c,
            secret,
        })
    }

    /// Stores a client made by [`Service::new_client`] under `client_id`;
    /// the client as CreateUserPoolClient answers it (with its secret), or
    /// None when the store refused it (the id is taken, or the pool is gone).
    pub(crate) async fn insert_new_client(
        &self,
        new: &mut NewClient,
        client_id: &str,
        now: Millis,
    ) -> Result<Option<UserPoolClientType>> {
        let pool_id = new.pool_id.clone();
        let c = &mut new.client;
        c.client_id = Some(client_id.to_owned());
        let rec = ClientRecord {
            pool_id: pool_id.clone(),
            client_id: client_id.to_owned(),
            name: c.client_name.clone().unwrap_or_default(),
            config: serde_json::to_string(&c).map_err(Error::internal)?,
            created_ms: now,
            version: 1,
        };
        let secrets: Vec<_> = new
            .secret
            .iter()
            .map(|s| self.seal_secret(&pool_id, client_id, s, now))
            .collect();
        match self.store.insert_client(&rec, &secrets).await {
            Ok(()) => {
                let mut answer = c.clone();
                answer.client_secret = new.secret.clone();
                Ok(Some(answer))
            }
            Err(StoreError::Conflict(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn check_client(
        &self,
        c: &mut UserPoolClientType,
        pool: &crate::records::PoolDoc,
        has_secret: bool,
        creating: bool,
    ) -> Result<()> {
        let pool_id = pool.pool.id.clone().unwrap_or_default();
        c.user_pool_id = Some(pool_id.clone());
        rules::token_validity(c)?;
        rules::auth_flows(c)?;
        rules::oauth(c, &pool_id, has_secret)?;
        let schema = pool.pool.schema_attributes.clone().unwrap_or_default();
        rules::attribute_permissions(c, &schema, creating)?;
        rules::fill_defaults(c);
        Ok(())
    }

    /// DescribeUserPoolClient (with the client's first secret, as Cognito shows it).
    pub async fn describe_user_pool_client(
        &self,
        _admin: &Admin,
        req: DescribeUserPoolClientRequest,
    ) -> Result<DescribeUserPoolClientResponse> {
        let pool_id = req.user_pool_id;
        let client_id = req.client_id;
        let (_, mut c) = self.load_client(&pool_id, &client_id).await?;
        c.client_secret = self
            .client_secrets(&pool_id, &client_id)
            .await?
            .into_iter()
            .next();
        Ok(DescribeUserPoolClientResponse {
            user_pool_client: Some(c),
        })
    }

    /// UpdateUserPoolClient. As in Cognito, settings the request leaves out
    /// return to their defaults; the name is kept when not given.
    pub async fn update_user_pool_client(
        &self,
        _admin: &Admin,
        req: UpdateUserPoolClientRequest,
        now: Millis,
    ) -> Result<UpdateUserPoolClientResponse> {
        let pool_id = req.user_pool_id.clone();
        let client_id = req.client_id.clone();
        for _ in 0..8 {
            let (pool_rec, pool) = self.load_pool(&pool_id).await?;
            let _ = pool_rec;
            let (mut rec, old) = self.load_client(&pool_id, &client_id).await?;
            let secrets = self.client_secrets(&pool_id, &client_id).await?;
            let mut c: UserPoolClientType = from_request(&req)?;
            c.client_id = old.client_id.clone();
            c.client_name = req.client_name.clone().or(old.client_name.clone());
            c.creation_date = old.creation_date;
            c.client_type = old.client_type;
            c.last_modified_date = Some(epoch_seconds(now));
            self.check_client(&mut c, &pool, !secrets.is_empty(), false)?;
            self.check_custom_scopes(&pool_id, &c).await?;
            rec.name = c.client_name.clone().unwrap_or_default();
            rec.config = serde_json::to_string(&c).map_err(Error::internal)?;
            rec.version += 1;
            if self.store.update_client(&rec).await? {
                self.app_clients.forget(&client_id);
                c.client_secret = secrets.into_iter().next();
                return Ok(UpdateUserPoolClientResponse {
                    user_pool_client: Some(c),
                });
            }
        }
        Err(Error::new(
            kognit_wire::error::ErrorCode::ConcurrentModificationException,
            "The app client was modified concurrently; try again.",
        ))
    }

    /// DeleteUserPoolClient.
    pub async fn delete_user_pool_client(
        &self,
        _admin: &Admin,
        req: DeleteUserPoolClientRequest,
    ) -> Result<()> {
        let pool_id = req.user_pool_id;
        let client_id = req.client_id;
        self.load_pool(&pool_id).await?;
        let deleted = self.store.delete_client(&pool_id, &client_id).await?;
        self.app_clients.forget(&client_id);
        if !deleted {
            return Err(no_client(&client_id));
        }
        Ok(())
    }

    /// ListUserPoolClients, ordered by client id.
    pub async fn list_user_pool_clients(
        &self,
        _admin: &Admin,
        req: ListUserPoolClientsRequest,
    ) -> Result<ListUserPoolClientsResponse> {
        let pool_id = req.user_pool_id;
        self.load_pool(&pool_id).await?;
        let limit = req.max_results.unwrap_or(60).clamp(1, 60) as u32;
        let after = req.next_token.as_deref().map(decode_token).transpose()?;
        let mut recs = self
            .store
            .list_clients(&pool_id, after.as_deref(), limit + 1)
            .await?;
        let more = recs.len() > limit as usize;
        recs.truncate(limit as usize);
        let next_token = more
            .then(|| recs.last().map(|r| crate::page_token::encode(&r.client_id)))
            .flatten();
        Ok(ListUserPoolClientsResponse {
            user_pool_clients: Some(
                recs.into_iter()
                    .map(|r| UserPoolClientDescription {
                        client_id: Some(r.client_id),
                        user_pool_id: Some(r.pool_id),
                        client_name: Some(r.name),
                    })
                    .collect(),
            ),
            next_token,
        })
    }

    /// AddUserPoolClientSecret: a second secret for rotation (at most two).
    pub async fn add_user_pool_client_secret(
        &self,
        _admin: &Admin,
        req: AddUserPoolClientSecretRequest,
        now: Millis,
    ) -> Result<AddUserPoolClientSecretResponse> {
        let pool_id = req.user_pool_id;
        let client_id = req.client_id;
        self.load_client(&pool_id, &client_id).await?;
        if self
            .store
            .list_client_secrets(&pool_id, &client_id)
            .await?
            .is_empty()
        {
            return Err(Error::invalid_parameter(
                "Client secrets can only be added to app clients that have a client secret.",
            ));
        }
        let value = req.client_secret.unwrap_or_else(ids::client_secret);
        let rec = self.seal_secret(&pool_id, &client_id, &value, now);
        if !self.store.add_client_secret(&rec, MAX_SECRETS).await? {
            return Err(Error::new(
                kognit_wire::error::ErrorCode::LimitExceededException,
                format!("An app client can have at most {MAX_SECRETS} client secrets."),
            ));
        }
        Ok(AddUserPoolClientSecretResponse {
            client_secret_descriptor: Some(ClientSecretDescriptorType {
                client_secret_id: Some(rec.secret_id),
                client_secret_value: Some(value),
                client_secret_create_date: Some(epoch_seconds(now)),
            }),
        })
    }

    /// ListUserPoolClientSecrets: ids and dates, never the values.
    pub async fn list_user_pool_client_secrets(
        &self,
        _admin: &Admin,
        req: ListUserPoolClientSecretsRequest,
    ) -> Result<ListUserPoolClientSecretsResponse> {
        let pool_id = req.user_pool_id;
        let client_id = req.client_id;
        self.load_client(&pool_id, &client_id).await?;
        let recs = self.store.list_client_secrets(&pool_id, &client_id).await?;
        Ok(ListUserPoolClientSecretsResponse {
            client_secrets: Some(
                recs.into_iter()
                    .map(|r| ClientSecretDescriptorType {
                        client_secret_id: Some(r.secret_id),
                        client_secret_value: None,
                        client_secret_create_date: Some(epoch_seconds(r.created_ms)),
                    })
                    .collect(),
            ),
            next_token: None,
        })
    }

    /// DeleteUserPoolClientSecret: the last secret of a client cannot go.
    pub async fn delete_user_pool_client_secret(
        &self,
        _admin: &Admin,
        req: DeleteUserPoolClientSecretRequest,
    ) -> Result<()> {
        let pool_id = req.user_pool_id;
        let client_id = req.client_id;
        let secret_id = req.client_secret_id;
        self.load_client(&pool_id, &client_id).await?;
        let recs = self.store.list_client_secrets(&pool_id, &client_id).await?;
        if !recs.iter().any(|r| r.secret_id == secret_id) {
            return Err(Error::not_found(format!(
                "Client secret {secret_id} does not exist."
            )));
        }
        if recs.len() <= 1 {
            return Err(Error::invalid_parameter(
                "You cannot delete the last remaining secret for an app client.",
            ));
        }
        if !self
            .store
            .delete_client_secret(&pool_id, &client_id, &secret_id)
            .await?
        {
            return Err(Error::not_found(format!(
                "Client secret {secret_id} does not exist."
            )));
        }
        Ok(())
    }
}
