//! Error codes: the `__type` values a client can receive.
//!
//! [`ErrorCode`] has one variant per exception shape in the service model plus
//! the protocol-level errors the AWS JSON front end raises before dispatch
//! (`SerializationException`, `UnknownOperationException`, signature errors…).

/// Defines [`ErrorCode`] and its lookup tables from the generated list, so
/// the generated file stays a plain `Name => status` table.
macro_rules! error_codes {
    ($( $(#[$doc:meta])* $name:ident => $status:literal, )*) => {
        /// An error code, named exactly as on the wire (`__type`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $( $(#[$doc])* $name, )*
        }

        impl ErrorCode {
            /// Every error code: model exceptions first, then protocol errors.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$name),*];

            /// The exact wire name, e.g. `"ResourceNotFoundException"`.
            pub fn as_str(&self) -> &'static str {
                match self {
                    $( ErrorCode::$name => stringify!($name), )*
                }
            }

            /// HTTP status: 500 for server faults (`InternalErrorException`
            /// and shapes the model marks `fault`), 400 for everything else.
            pub fn status(&self) -> u16 {
                match self {
                    $( ErrorCode::$name => $status, )*
                }
            }

            /// Parses an exact wire name; `None` for unknown names.
            pub fn from_name(name: &str) -> Option<ErrorCode> {
                match name {
                    $( stringify!($name) => Some(ErrorCode::$name), )*
                    _ => None,
                }
            }
        }
    };
}

include!(concat!(env!("OUT_DIR"), "/error_codes.rs"));

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_code() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_name(code.as_str()), Some(*code));
            assert_eq!(code.to_string(), code.as_str());
        }
        assert_eq!(ErrorCode::from_name("NoSuchException"), None);
        assert_eq!(ErrorCode::from_name("resourceNotFoundException"), None);
    }

    #[test]
    fn names_are_unique_and_counted() {
        let names: std::collections::HashSet<_> =
            ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), ErrorCode::ALL.len());
        // 60 model exceptions; AccessDeniedException is one of them, so 7
        // of the 8 protocol errors are added.
        assert_eq!(ErrorCode::ALL.len(), 67);
    }

    #[test]
    fn statuses() {
        assert_eq!(ErrorCode::InternalErrorException.status(), 500);
        assert_eq!(ErrorCode::InternalServerException.status(), 500);
        assert_eq!(ErrorCode::ResourceNotFoundException.status(), 400);
        assert_eq!(ErrorCode::InvalidParameterException.status(), 400);
        assert_eq!(ErrorCode::UsernameExistsException.status(), 400);
        assert_eq!(ErrorCode::UnsupportedOperationException.status(), 400);
        assert_eq!(ErrorCode::SerializationException.status(), 400);
        assert_eq!(
            ErrorCode::UnknownOperationException.as_str(),
            "UnknownOperationException"
        );
        assert_eq!(ErrorCode::RequestEntityTooLargeException.status(), 400);
        assert_eq!(ErrorCode::AccessDeniedException.status(), 400);
    }
}
