//! The one error type every fallible entry point returns.
//!
//! `code` is a stable string that callers switch on; `message` says what was
//! wrong and where. Neither ever carries an app secret or a raw token: callers
//! build messages from field names and positions, never from secret values.

use std::fmt;

/// Stable error codes, surfaced to JavaScript as `error.code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// An argument has the wrong type, shape or value.
    InvalidArgument,
    /// A time is not a finite number of Unix seconds in range.
    InvalidTime,
    /// An integration config cannot be used (see the diagnostics of `validate`).
    InvalidConfig,
    /// A request object has the wrong shape.
    InvalidRequest,
    /// Credentials have the wrong shape.
    InvalidCredentials,
    /// An exported integration state cannot be imported.
    InvalidState,
    /// The operation does not exist for this product (e.g. the token endpoint on Workplace).
    Unsupported,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 7] = [
        ErrorCode::InvalidArgument,
        ErrorCode::InvalidTime,
        ErrorCode::InvalidConfig,
        ErrorCode::InvalidRequest,
        ErrorCode::InvalidCredentials,
        ErrorCode::InvalidState,
        ErrorCode::Unsupported,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidArgument => "invalid_argument",
            ErrorCode::InvalidTime => "invalid_time",
            ErrorCode::InvalidConfig => "invalid_config",
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::InvalidState => "invalid_state",
            ErrorCode::Unsupported => "unsupported",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
}

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error { code, message: message.into() }
    }
    pub fn argument(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::InvalidArgument, message)
    }
    pub fn time(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::InvalidTime, message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_snake_case() {
        let codes: HashSet<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(codes.len(), ErrorCode::ALL.len());
        for c in codes {
            assert!(c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'), "{c}");
        }
    }

    #[test]
    fn display_names_code_and_message() {
        let e = Error::argument("`time` must be a number");
        assert_eq!(e.to_string(), "invalid_argument: `time` must be a number");
    }
}
