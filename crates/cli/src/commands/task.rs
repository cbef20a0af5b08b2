//! `nextdate task …` (add, done) and `nextdate tasks`, the open ones.

use nextdate_diary::{Diary, DiaryError, NewTask};

use super::{opt_date_arg, today};
use crate::args::TaskCmd;
use crate::output::Out;

pub fn run(diary: &mut Diary, cmd: TaskCmd, out: &Out) -> Result<(), DiaryError> {
    match cmd {
        TaskCmd::Add {
            case_id,
            title,
            due,
            assignee,
        } => {
            let due = opt_date_arg(due.as_deref())?;
            out.id(&diary.add_task(&case_id, NewTask { title, due, assignee })?);
        }
        TaskCmd::Done { id } => {
            diary.complete_task(&id)?;
            out.ok(&format!("task {id} done"));
        }
    }
    Ok(())
}

/// Open tasks; only those past their due date with `overdue`.
pub fn open_tasks(diary: &Diary, overdue: bool, out: &Out) -> Result<(), DiaryError> {
    out.tasks(&diary.tasks(overdue.then(today))?);
    Ok(())
}
