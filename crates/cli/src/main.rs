//! `nextdate`: the Nextdate diary without a window, for scripts, cron jobs and tests.
//!
//! Every command opens the diary (default: the OS data folder, e.g.
//! `~/.local/share/in.nextdate.diary` on Linux, or `--diary DIR`), does one
//! thing, and exits 0; on failure it prints one line to stderr and exits 1
//! (2 for usage errors). `--json` gives machine-readable output.
//!
//! This file only parses the arguments ([`args`]), opens the diary ([`unlocking`])
//! and hands each command to its module in [`commands`], which prints through [`output`].

mod args;
mod commands;
mod failure;
mod output;
mod progress_bar;
mod unlocking;

use std::process::ExitCode;

use clap::Parser;
use nextdate_diary::Diary;

use crate::args::{Cli, Command, KeyCmd};
use crate::commands::*;
use crate::failure::Failure;
use crate::output::Out;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = Out { json: cli.json };
    match run(cli, &out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            out.error(e.code().as_str(), &e.message());
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli, out: &Out) -> Result<(), Failure> {
    let Cli {
        diary: dir,
        recovery_key,
        command,
        ..
    } = cli;
    let dir = unlocking::diary_dir(&dir)?;
    // Commands on the folder itself, before (or instead of) unlocking a diary.
    let command = match command {
        Command::Init {
            passphrase,
            name,
            advocate,
            recovery_sheet,
        } => return init::run(&dir, passphrase, name, advocate, recovery_sheet, out),
        Command::Restore {
            file,
            passphrase,
            replace,
        } => return Ok(backup::restore(&dir, &file, passphrase, replace, out)?),
        Command::Key(KeyCmd::Status) => return Ok(key::status(&dir, out)?),
        other => other,
    };
    let unlock = unlocking::unlock_for(&dir, &recovery_key)?;
    let mut diary = Diary::open(&dir, &unlock)?;
    match command {
        Command::Init { .. } | Command::Restore { .. } => unreachable!("handled before unlocking"),
        Command::Client(cmd) => client::run(&mut diary, cmd, out)?,
        Command::Case(cmd) => case::run(&mut diary, cmd, out)?,
        Command::History { case_id } => case::history(&diary, &case_id, out)?,
        Command::Hearing(cmd) => hearing::run(&mut diary, cmd, out)?,
        Command::Board { date, days } => board::run(&diary, &date, days, out)?,
        Command::Search { query, limit } => search::run(&diary, &query, limit, out)?,
        Command::Task(cmd) => task::run(&mut diary, cmd, out)?,
        Command::Tasks { overdue } => task::open_tasks(&diary, overdue, out)?,
        Command::Fee(cmd) => fee::run(&mut diary, cmd, out)?,
        Command::Fees { case_id } => fee::fees(&diary, case_id.as_deref(), out)?,
        Command::Terms(args) => accounts::terms(&mut diary, args, out)?,
        Command::Time(cmd) => accounts::time(&mut diary, cmd, out)?,
        Command::Receipt(args) => accounts::receipt(&mut diary, args, out)?,
        Command::Bill(args) => bills::bill(&mut diary, args, out)?,
        Command::Bills(cmd) => bills::bills(&mut diary, cmd, out)?,
        Command::Statement(args) => bills::statement(&diary, args, out)?,
        Command::ClientUpdate(args) => client_update::run(&diary, args, out)?,
        Command::Outstanding => bills::outstanding(&diary, out)?,
        Command::Billing(args) => bills::billing(&mut diary, args, out)?,
        Command::Note(cmd) => note::run(&mut diary, cmd, out)?,
        Command::Doc(cmd) => doc::run(&mut diary, cmd, out)?,
        Command::Rebuild => maintenance::rebuild(&mut diary, out)?,
        Command::Check => maintenance::check(&mut diary, false, out)?,
        Command::Repair => maintenance::check(&mut diary, true, out)?,
        Command::Verify => maintenance::verify(&diary, out)?,
        Command::Undo => undo::run(&mut diary, out)?,
        Command::Demo { cases, seed, batch } => maintenance::demo(&mut diary, cases, seed, batch, out)?,
        Command::DeleteEverything { confirm } => maintenance::delete_everything(diary, &confirm, out)?,
        Command::Key(cmd) => key::run(&mut diary, &unlock, cmd, out)?,
        Command::Export(cmd) => export::run(&diary, cmd, out)?,
        Command::Import(cmd) => import::run(&mut diary, cmd, out)?,
        Command::Remind { at, cmd } => remind::run(&mut diary, at, cmd, out)?,
        Command::Sync(cmd) => sync::run(&mut diary, cmd, out).map_err(Failure::Sync)?,
        Command::Link(cmd) => links::run(&mut diary, cmd, out).map_err(Failure::Sync)?,
        Command::Print(args) => print::run(&diary, args, out)?,
        Command::Backup { cmd: Some(cmd), .. } => backup::settings(&mut diary, cmd, out)?,
        Command::Backup {
            cmd: None,
            output,
            auto,
            now,
        } => match output {
            Some(output) if !auto => backup::backup(&diary, &output, out)?,
            _ => backup::auto(&mut diary, now, out)?,
        },
        Command::RecoverySheet { output, paper } => backup::recovery_sheet(&diary, &unlock, &output, paper, out)?,
    }
    Ok(())
}
