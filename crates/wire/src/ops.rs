//! The operation table: what each `X-Amz-Target` operation takes and returns.

/// `X-Amz-Target` header prefix: requests carry `<TARGET_PREFIX>.<Operation>`.
pub const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService";

/// One operation of the service model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operation {
    /// The operation, as a value to match on.
    pub id: Op,
    /// Operation name, e.g. `"CreateUserPool"`.
    pub name: &'static str,
    /// Input structure shape, e.g. `"CreateUserPoolRequest"`; pass it to
    /// [`crate::validate::validate`].
    pub input: &'static str,
    /// Output structure shape; `None` for operations that return `{}`.
    pub output: Option<&'static str>,
    /// True when the model marks the operation as callable without SigV4
    /// (`smithy.api#noAuth` / `authtype: none`), e.g. `InitiateAuth`.
    pub unsigned: bool,
}

include!(concat!(env!("OUT_DIR"), "/operations.rs"));

/// Looks up an operation by its exact (case-sensitive) name.
pub fn find(name: &str) -> Option<&'static Operation> {
    // OPERATIONS is generated in byte order, which is `str`'s `Ord`.
    OPERATIONS
        .binary_search_by(|op| op.name.cmp(name))
        .ok()
        .and_then(|i| OPERATIONS.get(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_size_and_unsigned_count() {
        assert_eq!(OPERATIONS.len(), 153);
        assert_eq!(OPERATIONS.iter().filter(|op| op.unsigned).count(), 34);
    }

    #[test]
    fn table_is_sorted_so_binary_search_works() {
        assert!(OPERATIONS.windows(2).all(|w| w[0].name < w[1].name));
        for op in OPERATIONS {
            assert_eq!(find(op.name), Some(op));
            assert_eq!(format!("{:?}", op.id), op.name);
        }
    }

    #[test]
    fn find_known_and_unknown() {
        let op = find("CreateUserPool").expect("CreateUserPool exists");
        assert_eq!(op.input, "CreateUserPoolRequest");
        assert_eq!(op.output, Some("CreateUserPoolResponse"));
        assert!(!op.unsigned);
        assert!(find("InitiateAuth").expect("InitiateAuth exists").unsigned);
        assert!(find("SignUp").expect("SignUp exists").unsigned);
        assert_eq!(find("AdminDeleteUser").expect("exists").output, None);
        assert!(find("createUserPool").is_none());
        assert!(find("NoSuchOperation").is_none());
        assert!(find("").is_none());
    }

    #[test]
    fn every_input_and_output_is_a_validatable_shape() {
        let empty = serde_json::json!({});
        for op in OPERATIONS {
            // An unknown shape would come back as a Serialization error
            // naming it; constraint errors (required members) are fine.
            if let Err(crate::validate::Invalid::Serialization(msg)) =
                crate::validate::validate(op.input, &empty)
            {
                panic!("{}: {msg}", op.name);
            }
        }
    }
}
