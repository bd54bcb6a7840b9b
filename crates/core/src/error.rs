//! The one error type of the service: a Cognito exception name and its message.
//! The protocol layer maps it to `{"__type", "message"}` and a status in one place.

use crate::store::StoreError;
pub use kognit_wire::error::ErrorCode;

/// An error answered to the caller as Cognito would.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Cognito's exception name.
    pub code: ErrorCode,
    /// The human-readable message.
    pub message: String,
}

/// Result of a service call.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// An error with this exception name and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// `InvalidParameterException` with this message.
    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidParameterException, message)
    }

    /// `ResourceNotFoundException` with this message.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ResourceNotFoundException, message)
    }

    /// An internal failure: the cause is logged with a short stable code and the
    /// caller sees only that code, never the cause.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let code = crate::ids::short_code();
        tracing::error!(error_code = %code, %cause, "internal error");
        Self::new(
            ErrorCode::InternalErrorException,
            format!("Internal error (reference {code})."),
        )
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for Error {}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        Self::internal(e)
    }
}
