//! `nextdate client …`: add, list, show, edit, remove and erase clients.

use nextdate_diary::{ClientEdit, Diary, DiaryError, NewClient};

use crate::args::{ClientCmd, ClientEditArgs};
use crate::output::Out;

pub fn run(diary: &mut Diary, cmd: ClientCmd, out: &Out) -> Result<(), DiaryError> {
    match cmd {
        ClientCmd::Add {
            name,
            phones,
            email,
            address,
        } => {
            let id = diary.add_client(NewClient {
                name,
                phones,
                email,
                address,
                notes: None,
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
            } = a;
            // A blank value clears the field; the core treats blank as empty.
            let changes = diary.edit_client(
                &id,
                ClientEdit {
                    name,
                    phones,
                    email: email.map(Some),
                    address: address.map(Some),
                    notes: notes.map(Some),
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
