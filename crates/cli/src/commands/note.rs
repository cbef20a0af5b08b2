//! `nextdate note add`: a note on a case, private unless client-visible.

use nextdate_diary::{Diary, DiaryError, NewNote};

use crate::args::NoteCmd;
use crate::output::Out;

pub fn run(diary: &mut Diary, cmd: NoteCmd, out: &Out) -> Result<(), DiaryError> {
    let NoteCmd::Add {
        case_id,
        text,
        client_visible,
    } = cmd;
    out.id(&diary.add_note(&case_id, NewNote { text, client_visible })?);
    Ok(())
}
