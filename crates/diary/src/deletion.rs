//! Deleting everything: what the advocate must type to confirm it (the diary's
//! name, exactly) and the check, with its one message, shared by the CLI and
//! the app. Checking changes nothing, so a typo leaves the diary as it was.

use crate::diary::Diary;
use crate::error::{DiaryError, Result};

/// Checks that `typed` (surrounding spaces aside) is the diary's name, `name`.
pub fn check_confirmation(name: &str, typed: &str) -> Result<()> {
    if typed.trim() == name {
        Ok(())
    } else {
        Err(DiaryError::ConfirmationMismatch {
            expected: name.to_string(),
        })
    }
}

impl Diary {
    /// What must be typed to confirm deleting everything: the diary's name.
    pub fn delete_confirmation(&self) -> Result<String> {
        Ok(self.chamber()?.name)
    }

    /// Checks a typed confirmation against the diary's name; the diary is untouched.
    pub fn check_delete_confirmation(&self, typed: &str) -> Result<()> {
        check_confirmation(&self.delete_confirmation()?, typed)
    }
}

#[cfg(test)]
mod tests {
    use super::check_confirmation;

    #[test]
    fn only_the_diary_name_confirms() {
        assert!(check_confirmation("Test Chambers", "Test Chambers").is_ok());
        assert!(check_confirmation("Test Chambers", "  Test Chambers \n").is_ok());
        for wrong in ["", "test chambers", "Test Chambers (not quite)", "Test"] {
            let err = check_confirmation("Test Chambers", wrong).unwrap_err();
            assert_eq!(err.code(), "confirmation_mismatch");
            assert_eq!(
                err.to_string(),
                "to delete everything, type the diary's name exactly: \"Test Chambers\""
            );
        }
    }
}
