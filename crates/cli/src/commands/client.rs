//! `nextdate client …`: add, list, show, edit, remove and erase clients.

use nextdate_diary::{ClientEdit, Diary, DiaryError, NewClient};

use super::typed_lines;
use crate::args::{ClientCmd, ClientEditArgs};
use crate::output::Out;

pub fn run(diary: &mut Diary, cmd: ClientCmd, out: &Out) -> Result<(), DiaryError> {
    match cmd {
        ClientCmd::Add {
            name,
            phones,
            email,
            address,
            update_language,
        } => {
            let id = diary.add_client(NewClient {
                name,
                phones,
                email,
                address: address.map(|a| typed_lines(&a)),
                notes: None,
                update_language,
            })?;
            out.id(&id);
        }
        ClientCmd::List => out.clients(&diary.clients()?),
        ClientCmd::Show { id } => {
            let client = diary.client(&id)?;
            out.client(&client, &diary.client_cases(&id)?, &diary.client_balance(&id)?);
        }
        ClientCmd::Edit(a) => {
            let ClientEditArgs {
                id,
                name,
                phones,
                email,
                address,
                notes,
                update_language,
            } = a;
            // A blank value clears the field; the core treats blank as empty.
            let changes = diary.edit_client(
                &id,
                ClientEdit {
                    name,
                    phones,
                    email: email.map(Some),
                    address: address.map(|a| Some(typed_lines(&a))),
                    notes: notes.map(Some),
                    update_language,
                },
            )?;
            out.changed(&id, &changes);
        }
        ClientCmd::Remove { id } => {
            let changes = diary.remove_client(&id)?;
            out.changed(&id, &changes);
        }
        ClientCmd::Erase { id, confirm } => {
            let erased = diary.erase_client(&id, &confirm)?;
            out.erased(&erased);
        }
    }
    Ok(())
}
