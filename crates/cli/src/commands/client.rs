//! `nextdate client …`: add, list and show clients.

use nextdate_diary::{Diary, DiaryError, NewClient};

use crate::args::ClientCmd;
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
    }
    Ok(())
}
