//! `nextdate case …` (add, show, list) and `nextdate history CASE`.

use nextdate_diary::{CaseFilter, Diary, DiaryError, NewCase, Party};

use super::{opt_date_arg, today};
use crate::args::CaseCmd;
use crate::output::Out;

pub fn run(diary: &mut Diary, cmd: CaseCmd, out: &Out) -> Result<(), DiaryError> {
    match cmd {
        CaseCmd::Add(a) => {
            let parties = a
                .parties
                .iter()
                .map(|p| parse_party(p))
                .collect::<Result<Vec<_>, _>>()?;
            let next_date = opt_date_arg(a.next_date.as_deref())?;
            let id = diary.add_case(NewCase {
                title: a.title,
                number: a.number,
                court: a.court,
                cnr: a.cnr,
                bench: a.bench,
                case_type: a.case_type,
                stage: a.stage,
                parties,
                client_ids: a.clients,
                next_date,
                purpose: a.purpose,
                item: a.item,
            })?;
            out.id(&id);
        }
        CaseCmd::Show { id } => out.case(&diary.case_detail(&id)?),
        CaseCmd::List {
            court,
            status,
            stage,
            undated,
        } => {
            let filter = CaseFilter {
                court,
                status: status.map(|s| s.as_str().to_string()),
                stage,
                undated_as_of: undated.then(today),
            };
            out.cases(&diary.cases(&filter)?);
        }
        CaseCmd::Date(a) => super::listing::run(diary, a, out)?,
    }
    Ok(())
}

/// Who changed what in a case, and when.
pub fn history(diary: &Diary, case_id: &str, out: &Out) -> Result<(), DiaryError> {
    out.history(&diary.history(case_id)?);
    Ok(())
}

/// A party given as `NAME:SIDE`.
fn parse_party(s: &str) -> Result<Party, DiaryError> {
    let (name, side) = s.rsplit_once(':').ok_or_else(|| DiaryError::BadParty(s.to_string()))?;
    Ok(Party {
        name: name.to_string(),
        side: side.to_string(),
        counsel: None,
    })
}
