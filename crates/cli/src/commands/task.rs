//! `nextdate task …` (add to a case or the chamber, done, edit, reopen,
//! remove) and `nextdate tasks`, the open ones.

use nextdate_diary::records::{ChildKind, TaskEdit};
use nextdate_diary::{Diary, DiaryError, NewTask};

use super::{date_arg, opt_date_arg, today};
use crate::args::TaskCmd;
use crate::output::Out;

pub fn run(diary: &mut Diary, cmd: TaskCmd, out: &Out) -> Result<(), DiaryError> {
    match cmd {
        TaskCmd::Add {
            case_pos,
            case_id,
            title,
            due,
            assignee,
        } => {
            let due = opt_date_arg(due.as_deref())?;
            let assignee = member(diary, assignee)?.flatten();
            let task = NewTask { title, due, assignee };
            let id = match case_id.or(case_pos) {
                Some(case) => diary.add_task(&case, task)?,
                None => diary.add_chamber_task(task)?,
            };
            out.id(&id);
        }
        TaskCmd::Done { id } => {
            diary.complete_task(&id)?;
            out.ok(&format!("task {id} done"));
        }
        TaskCmd::Edit {
            id,
            title,
            due,
            assignee,
        } => {
            let due = due
                .map(|d| match d.trim() {
                    "" => Ok(None),
                    d => date_arg(d).map(Some),
                })
                .transpose()?;
            let edit = TaskEdit {
                title,
                due,
                assignee: member(diary, assignee)?,
            };
            let case = diary.case_of(ChildKind::Task, &id)?;
            out.corrected(&diary.edit_task(&case, &id, edit)?);
        }
        TaskCmd::Reopen { id } => {
            let case = diary.case_of(ChildKind::Task, &id)?;
            out.corrected(&diary.reopen_task(&case, &id)?);
        }
        TaskCmd::Remove { id } => {
            let case = diary.case_of(ChildKind::Task, &id)?;
            out.corrected(&diary.remove_task(&case, &id)?);
        }
    }
    Ok(())
}

/// A member given by id or name: `None` when not given, `Some(None)` for "" (nobody).
fn member(diary: &Diary, who: Option<String>) -> Result<Option<Option<String>>, DiaryError> {
    who.map(|w| match w.trim() {
        "" => Ok(None),
        w => diary.find_member(w).map(|m| Some(m.id)),
    })
    .transpose()
}

/// Open tasks; only those past their due date with `overdue`.
pub fn open_tasks(diary: &Diary, overdue: bool, out: &Out) -> Result<(), DiaryError> {
    out.tasks(&diary.tasks(overdue.then(today))?);
    Ok(())
}
