//! Tags on user pools (TagResource, UntagResource, ListTagsForResource).

use kognit_wire::types::*;

use crate::service::{Admin, Millis, Service};
use crate::{Error, Result};

impl Service {
    /// The pool id an ARN names, if it is one of this server's pool ARNs.
    fn pool_of_arn(&self, arn: &str) -> Result<String> {
        let prefix = self.pool_arn("");
        arn.strip_prefix(&prefix)
            .filter(|id| !id.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| Error::not_found(format!("Resource {arn} does not exist.")))
    }

    /// TagResource: adds or replaces tags.
    pub async fn tag_resource(
        &self,
        _admin: &Admin,
        req: TagResourceRequest,
        now: Millis,
    ) -> Result<()> {
        let id = self.pool_of_arn(req.resource_arn.as_str())?;
        let tags = req.tags;
        self.modify_pool(&id, now, |doc| {
            let t = doc.pool.user_pool_tags.get_or_insert_with(Default::default);
            t.extend(tags.clone());
            if t.len() > 50 {
                return Err(Error::invalid_parameter(
                    "A user pool can have at most 50 tags.",
                ));
            }
            Ok(())
        })
        .await?;
        Ok(())
    }

    /// UntagResource: removes tags by key.
    pub async fn untag_resource(
        &self,
        _admin: &Admin,
        req: UntagResourceRequest,
        now: Millis,
    ) -> Result<()> {
        let id = self.pool_of_arn(req.resource_arn.as_str())?;
        let keys = req.tag_keys;
        self.modify_pool(&id, now, |doc| {
            if let Some(t) = &mut doc.pool.user_pool_tags {
                for k in &keys {
                    t.remove(k);
                }
            }
            Ok(())
        })
        .await?;
        Ok(())
    }

    /// ListTagsForResource.
    pub async fn list_tags_for_resource(
        &self,
        _admin: &Admin,
        req: ListTagsForResourceRequest,
    ) -> Result<ListTagsForResourceResponse> {
        let id = self.pool_of_arn(req.resource_arn.as_str())?;
        let (_, doc) = self.load_pool(&id).await?;
        Ok(ListTagsForResourceResponse {
            tags: Some(doc.pool.user_pool_tags.unwrap_or_default()),
        })
    }
}
