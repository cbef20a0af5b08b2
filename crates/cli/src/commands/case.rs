//! `nextdate case …` (add, show, list, edit, status) and `nextdate history CASE`.

use nextdate_diary::{CaseEdit, CaseFilter, Diary, DiaryError, NewCase, Party, StatusChange};

use super::{date_arg, opt_date_arg, today};
use crate::args::{CaseCmd, CaseEditArgs, CaseStatusArgs};
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
        CaseCmd::Edit(a) => edit(diary, *a, out)?,
        CaseCmd::Status(a) => status(diary, a, out)?,
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

/// `case edit`: the fields given, each list replacing the old one ('' alone empties it).
fn edit(diary: &mut Diary, a: CaseEditArgs, out: &Out) -> Result<(), DiaryError> {
    let given =
        |list: Option<Vec<String>>| list.map(|v| v.into_iter().filter(|s| !s.trim().is_empty()).collect::<Vec<_>>());
    let parties = given(a.parties)
        .map(|ps| ps.iter().map(|p| parse_party(p)).collect::<Result<Vec<_>, _>>())
        .transpose()?;
    let assigned = given(a.assign)
        .map(|ms| {
            ms.iter()
                .map(|m| diary.find_member(m).map(|m| m.id))
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    let changes = diary.edit_case(
        &a.id,
        CaseEdit {
            title: a.title,
            number: a.number,
            court: a.court,
            cnr: a.cnr.map(Some),
            bench: a.bench.map(Some),
            case_type: a.case_type.map(Some),
            stage: a.stage.map(Some),
            parties,
            client_ids: given(a.clients),
            assigned,
        },
    )?;
    out.changed(&a.id, &changes);
    Ok(())
}

/// `case status`: the status change, dated today unless `--date` says otherwise.
fn status(diary: &mut Diary, a: CaseStatusArgs, out: &Out) -> Result<(), DiaryError> {
    let changes = diary.change_case_status(
        &a.id,
        StatusChange {
            to: a.to,
            date: Some(date_arg(&a.date)?),
            remark: a.remark,
            court: a.court,
        },
    )?;
    out.changed(&a.id, &changes);
    Ok(())
}

/// Who changed what in a case, and when.
pub fn history(diary: &Diary, case_id: &str, out: &Out) -> Result<(), DiaryError> {
    out.history(&diary.history(case_id)?);
    Ok(())
}

/// A party given as `NAME:SIDE` or `NAME:SIDE:COUNSEL` (the counsel may hold colons).
fn parse_party(s: &str) -> Result<Party, DiaryError> {
    let mut parts = s.splitn(3, ':');
    let (Some(name), Some(side)) = (parts.next(), parts.next()) else {
        return Err(DiaryError::BadParty(s.to_string()));
    };
    Ok(Party {
        name: name.to_string(),
        side: side.to_string(),
        counsel: parts.next().map(str::to_string),
    })
}
