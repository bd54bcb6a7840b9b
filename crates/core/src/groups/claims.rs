//! The group claims of a user's tokens, filled as Cognito fills them: the
//! groups by precedence (lowest first; groups without one last), the roles of
//! those groups, and the preferred role of the group that takes precedence.
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GroupType.html>

use std::cmp::Ordering;

use super::MAX_GROUPS_PER_USER;
use crate::Result;
use crate::service::Service;
use crate::store::GroupRecord;
use crate::tokens::GroupClaims;

/// Lower precedence first; a group without a precedence ranks after every
/// group with one ("lower values take precedence over higher or null").
fn by_precedence(a: Option<i64>, b: Option<i64>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// The claims of a user in these groups (any order).
pub(crate) fn group_claims(mut groups: Vec<GroupRecord>) -> GroupClaims {
    // Ties in precedence fall back to the name, so the claim is stable.
    groups.sort_by(|a, b| {
        by_precedence(a.precedence, b.precedence).then_with(|| a.group_name.cmp(&b.group_name))
    });
    let mut roles: Vec<String> = Vec::new();
    for role in groups.iter().filter_map(|g| g.role_arn.as_ref()) {
        if !roles.contains(role) {
            roles.push(role.clone());
        }
    }
    GroupClaims {
        preferred_role: preferred_role(&groups),
        groups: groups.into_iter().map(|g| g.group_name).collect(),
        roles,
    }
}

/// The role of the group with the lowest precedence among those with a role.
/// Groups of equal precedence do not outrank each other: their role is
/// preferred only when they all name the same one, otherwise none is.
fn preferred_role(sorted: &[GroupRecord]) -> Option<String> {
    let mut with_role = sorted.iter().filter(|g| g.role_arn.is_some());
    let first = with_role.next()?;
    let tied_differently = with_role
        .take_while(|g| g.precedence == first.precedence)
        .any(|g| g.role_arn != first.role_arn);
    if tied_differently {
        None
    } else {
        first.role_arn.clone()
    }
}

impl Service {
    /// The group claims for a user's tokens, from one store call: a user
    /// belongs to at most [`MAX_GROUPS_PER_USER`] groups, so one page holds
    /// them all.
    pub(crate) async fn group_claims(
        &self,
        pool_id: &str,
        username_key: &str,
    ) -> Result<GroupClaims> {
        let groups = self
            .store
            .list_user_groups(pool_id, username_key, None, MAX_GROUPS_PER_USER)
            .await?;
        Ok(group_claims(groups))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(name: &str, precedence: Option<i64>, role: Option<&str>) -> GroupRecord {
        GroupRecord {
            group_name: name.into(),
            precedence,
            role_arn: role.map(|r| format!("arn:aws:iam::000000000000:role/{r}")),
            ..Default::default()
        }
    }

    fn role(r: &str) -> String {
        format!("arn:aws:iam::000000000000:role/{r}")
    }

    #[test]
    fn ordered_by_precedence_then_name_without_precedence_last() {
        let c = group_claims(vec![
            g("none-b", None, None),
            g("ten", Some(10), Some("ten")),
            g("none-a", None, Some("none-a")),
            g("zero", Some(0), None),
            g("one", Some(1), Some("one")),
            g("also-one", Some(1), Some("one")),
        ]);
        assert_eq!(
            c.groups,
            ["zero", "also-one", "one", "ten", "none-a", "none-b"]
        );
        // Every group's role, once, in the groups' order.
        assert_eq!(c.roles, [role("one"), role("ten"), role("none-a")]);
        // The lowest precedence with a role is 1; both groups there agree.
        assert_eq!(c.preferred_role, Some(role("one")));
    }

    #[test]
    fn tied_groups_with_different_roles_prefer_none() {
        let c = group_claims(vec![
            g("a", Some(3), Some("a")),
            g("b", Some(3), Some("b")),
            g("c", Some(1), None),
            g("d", Some(7), Some("d")),
        ]);
        assert_eq!(c.preferred_role, None);
        assert_eq!(c.roles, [role("a"), role("b"), role("d")]);
    }

    #[test]
    fn groups_without_precedence_still_give_a_role() {
        let c = group_claims(vec![g("only", None, Some("only"))]);
        assert_eq!(c.preferred_role, Some(role("only")));
        let c = group_claims(vec![g("x", None, Some("x")), g("y", None, Some("y"))]);
        assert_eq!(c.preferred_role, None);
    }

    #[test]
    fn no_roles_or_no_groups_give_empty_claims() {
        let c = group_claims(vec![g("plain", Some(2), None)]);
        assert_eq!(c.groups, ["plain"]);
        assert!(c.roles.is_empty() && c.preferred_role.is_none());
        assert_eq!(group_claims(Vec::new()), GroupClaims::default());
    }
}
