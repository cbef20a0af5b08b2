//! `nextdate note …`: add a note to a case (private unless client-visible),
//! correct it, remove it.

use nextdate_diary::records::{ChildKind, NoteEdit};
use nextdate_diary::{Diary, DiaryError, NewNote};

use crate::args::NoteCmd;
use crate::output::Out;

pub fn run(diary: &mut Diary, cmd: NoteCmd, out: &Out) -> Result<(), DiaryError> {
    match cmd {
        NoteCmd::Add {
            case_id,
            text,
            client_visible,
        } => out.id(&diary.add_note(&case_id, NewNote { text, client_visible })?),
        NoteCmd::Edit {
            id,
            text,
            client_visible,
        } => {
            let case = diary.case_of(ChildKind::Note, &id)?;
            out.corrected(&diary.edit_note(&case, &id, NoteEdit { text, client_visible })?);
        }
        NoteCmd::Remove { id } => {
            let case = diary.case_of(ChildKind::Note, &id)?;
            out.corrected(&diary.remove_note(&case, &id)?);
        }
    }
    Ok(())
}
