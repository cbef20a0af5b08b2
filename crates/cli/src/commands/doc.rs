//! `nextdate doc …`: attach a file to a case, list a case's documents, save
//! one's contents to a file (written whole or not at all), rename it or
//! change who may see it, remove it.

use nextdate_diary::records::{ChildKind, DocumentEdit};
use nextdate_diary::{Diary, DiaryError};

use crate::args::DocCmd;
use crate::output::Out;

pub fn run(diary: &mut Diary, cmd: DocCmd, out: &Out) -> Result<(), DiaryError> {
    match cmd {
        DocCmd::Add {
            case_id,
            file,
            client_visible,
        } => out.id(&diary.attach_file(&case_id, &file, client_visible)?),
        DocCmd::List { case_id } => out.documents(&diary.case_documents(&case_id)?),
        DocCmd::Save { id, output, force } => {
            let row = diary.save_document(&id, &output, force)?;
            out.saved_document(&row, &output);
        }
        DocCmd::Edit {
            id,
            name,
            client_visible,
        } => {
            let case = diary.case_of(ChildKind::Document, &id)?;
            out.corrected(&diary.edit_document(&case, &id, DocumentEdit { name, client_visible })?);
        }
        DocCmd::Remove { id } => {
            let case = diary.case_of(ChildKind::Document, &id)?;
            out.corrected(&diary.remove_document(&case, &id)?);
        }
    }
    Ok(())
}
