//! Exit codes, documented in README.md and `handover --help`.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | the command ran and the answer is "no" (a verify or audit check failed) |
//! | 2 | bad usage or bad input (a refused import or record always exits 2) |
//! | 3 | internal error (a bug in handover) |
//! | 4 | the register is damaged: it holds a value handover did not write (restore it from a backup) |

use crate::base::error::Error;

/// The process exit codes of handover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// 0: success.
    Ok = 0,
    /// 1: checked, and the answer is no.
    CheckFailed = 1,
    /// 2: bad usage or bad input; nothing was changed.
    BadInput = 2,
    /// 3: internal error.
    Internal = 3,
    /// 4: the register is damaged (a stored value handover cannot read); nothing was changed.
    Damaged = 4,
}

impl ExitCode {
    /// The numeric code.
    pub fn code(self) -> i32 {
        self as i32
    }
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Internal(_) => ExitCode::Internal,
            Error::RegisterDamaged { .. } | Error::StoredValue { .. } => ExitCode::Damaged,
            Error::Sqlite(_) if self.is_damaged_value() => ExitCode::Damaged,
            Error::ReceiptRefused { .. } => ExitCode::CheckFailed,
            Error::Sqlite(_) if !self.is_sqlite_input_failure() => ExitCode::Internal,
            _ => ExitCode::BadInput,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ExitCode;

    #[test]
    fn codes_are_stable() {
        assert_eq!(ExitCode::Ok.code(), 0);
        assert_eq!(ExitCode::CheckFailed.code(), 1);
        assert_eq!(ExitCode::BadInput.code(), 2);
        assert_eq!(ExitCode::Internal.code(), 3);
        assert_eq!(ExitCode::Damaged.code(), 4);
    }
}
