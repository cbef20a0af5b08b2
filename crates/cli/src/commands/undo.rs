//! `nextdate undo`: takes back this device's last change through the core's
//! undo journal, and says what was taken back.

use nextdate_diary::{Diary, DiaryError};
use serde_json::json;

use crate::output::Out;

pub fn run(diary: &mut Diary, out: &Out) -> Result<(), DiaryError> {
    let undone = diary.undo()?;
    if out.json {
        println!("{}", json!({ "undone": undone }));
        return Ok(());
    }
    for message in &undone.messages {
        if undone.restored {
            println!("undid: {message}");
        } else {
            println!("nothing left to put back in: {message} (corrected again since)");
        }
    }
    Ok(())
}
