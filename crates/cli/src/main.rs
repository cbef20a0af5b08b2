//! `nextdate`: the Nextdate diary without a window, for scripts, cron jobs and tests.
//!
//! Every command opens the diary (default: the OS data folder, or `--diary DIR`),
//! does one thing, and exits 0; on failure it prints one line to stderr and exits 1
//! (2 for usage errors). `--json` gives machine-readable output.

mod output;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{Local, NaiveDate};
use clap::{Args, Parser, Subcommand, ValueEnum};
use nextdate_diary::{
    dates::parse_date, money::parse_amount, CaseFilter, Diary, DiaryError, FeeKind, InitOptions, KeyMode, NewCase,
    NewClient, NewFee, NewNote, NewTask, NextStep, Party, Protection, RecordHearing, Unlock, Zeroizing,
};
use serde_json::json;

use crate::output::Out;

#[derive(Parser)]
#[command(
    name = "nextdate",
    version,
    about = "Nextdate: an encrypted, local-first case diary for advocates"
)]
struct Cli {
    /// Diary folder (default: the OS data folder, e.g. ~/.local/share/nextdate).
    #[arg(long, global = true, env = "NEXTDATE_DIARY", value_name = "DIR")]
    diary: Option<PathBuf>,
    /// Machine-readable JSON output.
    #[arg(long, global = true)]
    json: bool,
    /// Unlock with the recovery key shown at `init` instead of the keyring or passphrase.
    #[arg(
        long,
        global = true,
        env = "NEXTDATE_RECOVERY_KEY",
        value_name = "KEY",
        hide_env_values = true
    )]
    recovery_key: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new diary (refuses to touch an existing one).
    Init {
        /// Protect the key with a passphrase instead of the OS keyring.
        #[arg(long)]
        passphrase: bool,
        /// The diary's name (chamber or advocate).
        #[arg(long, default_value = "My diary")]
        name: String,
        /// The advocate who owns the diary (default: the diary name).
        #[arg(long)]
        advocate: Option<String>,
    },
    /// Clients.
    #[command(subcommand)]
    Client(ClientCmd),
    /// Cases.
    #[command(subcommand)]
    Case(CaseCmd),
    /// Hearings.
    #[command(subcommand)]
    Hearing(HearingCmd),
    /// The board: hearings of a day (or several days), grouped by court, in item order.
    Board {
        #[arg(long, default_value = "today")]
        date: String,
        #[arg(long, default_value_t = 1)]
        days: u32,
    },
    /// Search cases and clients (case number, CNR, title, parties, notes, client names).
    Search {
        query: Vec<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Tasks.
    #[command(subcommand)]
    Task(TaskCmd),
    /// Open tasks.
    Tasks {
        /// Only tasks past their due date.
        #[arg(long)]
        overdue: bool,
    },
    /// Fees.
    #[command(subcommand)]
    Fee(FeeCmd),
    /// Fee entries and balance (of one case, or all).
    Fees { case_id: Option<String> },
    /// Notes.
    #[command(subcommand)]
    Note(NoteCmd),
    /// Who changed what in a case, and when.
    History { case_id: String },
    /// Drop the projection and rebuild it from the documents.
    Rebuild,
    /// Fill the diary with realistic demo cases.
    Demo {
        #[arg(long, default_value_t = 50)]
        cases: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Cases per transaction; the ids of each committed batch are printed.
        #[arg(long, default_value_t = 100)]
        batch: usize,
    },
    /// How the diary key is kept.
    #[command(subcommand)]
    Key(KeyCmd),
    /// Export data out of the diary.
    #[command(subcommand)]
    Export(ExportCmd),
    /// Send the reminders due now as desktop notifications (for cron), or change their settings.
    Remind {
        /// Act as if it were this local time ("YYYY-MM-DD HH:MM").
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
        #[command(subcommand)]
        cmd: Option<RemindCmd>,
    },
    /// Import records from CSV.
    #[command(subcommand)]
    Import(ImportCmd),
    /// Chamber sync through a relay (end-to-end encrypted).
    #[command(subcommand)]
    Sync(SyncCmd),
    /// Print the hearing list of a date (or a range of dates) to a PDF file.
    Print {
        /// The list's date (default: tomorrow).
        #[arg(long, default_value = "tomorrow")]
        date: String,
        /// Last date of a range (default: the same as --date).
        #[arg(long)]
        to: Option<String>,
        #[arg(long, value_enum, default_value = "a4")]
        paper: PaperArg,
        /// Only the cases of this member (id or name); default: the whole chamber.
        #[arg(long, value_name = "MEMBER")]
        advocate: Option<String>,
        /// Add the open tasks due on the listed dates.
        #[arg(long)]
        tasks: bool,
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
        /// Overwrite FILE if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Delete the whole diary: its key (keyring entry and key file), database and attachments.
    DeleteEverything {
        /// The diary's name, typed out, to confirm.
        #[arg(long, value_name = "DIARY NAME")]
        confirm: String,
    },
    /// Write an encrypted backup (age format, passphrase from NEXTDATE_BACKUP_PASSPHRASE or a prompt).
    Backup {
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
    /// Restore a backup into the diary folder as a new diary (key in the keyring, or --passphrase).
    Restore {
        file: PathBuf,
        /// Protect the restored diary with a passphrase (NEXTDATE_PASSPHRASE) instead of the keyring.
        #[arg(long)]
        passphrase: bool,
        /// Replace an existing diary (it is moved aside, not deleted).
        #[arg(long)]
        replace: bool,
    },
}

#[derive(Subcommand)]
enum ClientCmd {
    /// Add a client; prints the new id.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long = "phone")]
        phones: Vec<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        address: Option<String>,
    },
    /// List clients.
    List,
    /// A client with their cases and fee balance.
    Show { id: String },
}

#[derive(Clone, Copy, ValueEnum)]
enum Status {
    Pending,
    Disposed,
    Transferred,
}

#[derive(Subcommand)]
enum CaseCmd {
    /// Add a case; prints the new id.
    Add(Box<CaseAdd>),
    /// Everything about one case.
    Show { id: String },
    /// List cases.
    List {
        #[arg(long)]
        court: Option<String>,
        #[arg(long, value_enum)]
        status: Option<Status>,
        #[arg(long)]
        stage: Option<String>,
        /// Pending cases with no future hearing.
        #[arg(long)]
        undated: bool,
    },
}

#[derive(Args)]
struct CaseAdd {
    #[arg(long)]
    title: String,
    #[arg(long)]
    number: String,
    #[arg(long)]
    court: String,
    #[arg(long)]
    cnr: Option<String>,
    #[arg(long)]
    bench: Option<String>,
    #[arg(long = "type")]
    case_type: Option<String>,
    #[arg(long = "client")]
    clients: Vec<String>,
    /// A party as "NAME:SIDE", e.g. "Rajesh Sharma:petitioner" (repeatable).
    #[arg(long = "party")]
    parties: Vec<String>,
    #[arg(long)]
    stage: Option<String>,
    #[arg(long)]
    next_date: Option<String>,
    #[arg(long, requires = "next_date")]
    purpose: Option<String>,
    #[arg(long, requires = "next_date")]
    item: Option<i64>,
}

#[derive(Subcommand)]
enum HearingCmd {
    /// Record a hearing's outcome and the next date (or disposal), as one operation.
    Record {
        case_id: String,
        #[arg(long)]
        date: String,
        #[arg(long, required_unless_present = "disposed", conflicts_with = "disposed")]
        next_date: Option<String>,
        #[arg(long, requires = "next_date")]
        purpose: Option<String>,
        #[arg(long)]
        disposed: bool,
        #[arg(long)]
        outcome: Option<String>,
        #[arg(long)]
        item: Option<i64>,
    },
}

#[derive(Subcommand)]
enum TaskCmd {
    /// Add a task to a case; prints the new id.
    Add {
        case_id: String,
        #[arg(long)]
        title: String,
        #[arg(long)]
        due: Option<String>,
        #[arg(long)]
        assignee: Option<String>,
    },
    /// Mark a task done.
    Done { id: String },
}

#[derive(Clone, Copy, ValueEnum)]
enum Kind {
    Agreed,
    Received,
    Expense,
}

#[derive(Subcommand)]
enum FeeCmd {
    /// Add a fee entry to a case; prints the new id.
    Add {
        case_id: String,
        #[arg(long, value_enum)]
        kind: Kind,
        #[arg(long, allow_hyphen_values = true)]
        amount: String,
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        mode: Option<String>,
        #[arg(long, default_value = "INR")]
        currency: String,
    },
}

#[derive(Subcommand)]
enum NoteCmd {
    /// Add a note to a case (private unless --client-visible); prints the new id.
    Add {
        case_id: String,
        #[arg(long)]
        text: String,
        #[arg(long)]
        client_visible: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum PaperArg {
    A4,
    Letter,
}

#[derive(Clone, Copy, ValueEnum)]
enum OnOff {
    On,
    Off,
}

#[derive(Subcommand)]
enum SyncCmd {
    /// Register this diary as a chamber on a relay (this device becomes its admin) and send everything.
    Init {
        /// The relay's address, e.g. http://192.168.1.10:7070 or https://relay.example.in
        #[arg(long)]
        relay: String,
    },
    /// Make a one-time invite code for a new device (admin only).
    Invite {
        /// Hours until the invite expires.
        #[arg(long, default_value_t = 48)]
        hours: u32,
        /// Also draw the code as a QR code.
        #[arg(long)]
        qr: bool,
    },
    /// Join a chamber with an invite code ("-" reads it from stdin). The diary's own records are kept and shared.
    Join {
        code: String,
        /// What to call this device in the chamber.
        #[arg(long, default_value = "laptop")]
        label: String,
    },
    /// Sync now: send local changes, then fetch and merge everyone else's.
    Now {
        /// Tries, waiting 0.5 s, 1 s, 2 s … between them while the relay is unreachable.
        #[arg(long, default_value_t = 1)]
        attempts: u32,
    },
    /// Relay, chamber, devices, last sync, pending changes and errors.
    Status,
}

#[derive(Subcommand)]
enum RemindCmd {
    /// Show or change when reminders fire and which.
    Settings {
        /// Time of the evening round, HH:MM.
        #[arg(long, value_name = "HH:MM")]
        digest_time: Option<String>,
        /// Tomorrow's hearings.
        #[arg(long, value_enum)]
        digest: Option<OnOff>,
        /// Pending cases with no next date.
        #[arg(long, value_enum)]
        undated: Option<OnOff>,
        /// Tasks falling due tomorrow.
        #[arg(long, value_enum)]
        tasks: Option<OnOff>,
    },
}

#[derive(Subcommand)]
enum ImportCmd {
    /// Clients, cases, hearings, fees, tasks and notes from CSV files or folders of them
    /// (see docs/import.md). Nothing is written if any row is bad.
    Csv {
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Check every row and report, without writing anything.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum ExportCmd {
    /// Everything as one JSON file (diary.json) plus the attached documents, into a new folder.
    Json {
        #[arg(short = 'o', long = "output", value_name = "DIR")]
        output: PathBuf,
    },
    /// Everything as one CSV file per table plus the attached documents, into a new folder.
    Csv {
        #[arg(short = 'o', long = "output", value_name = "DIR")]
        output: PathBuf,
    },
    /// Hearings as an iCalendar file (all-day events) for phone and desktop calendars.
    Ics {
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        /// Overwrite FILE if it exists.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
enum KeyCmd {
    /// Show how the key is kept.
    Status,
    /// Protect the key with a (new) passphrase (from NEXTDATE_NEW_PASSPHRASE or a prompt).
    Passphrase,
    /// Keep the key in the OS keyring instead of a passphrase.
    Keyring,
}

/// Why a command failed: a diary error or a sync error, each with its code.
enum Failure {
    Diary(DiaryError),
    Sync(nextdate_sync::SyncError),
}

impl<E: Into<DiaryError>> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::Diary(e.into())
    }
}

impl Failure {
    fn code(&self) -> &'static str {
        match self {
            Failure::Diary(e) => e.code(),
            Failure::Sync(e) => e.code(),
        }
    }
    fn message(&self) -> String {
        match self {
            Failure::Diary(e) => e.to_string(),
            Failure::Sync(e) => e.to_string(),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = Out { json: cli.json };
    match run(cli, &out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            out.error(e.code(), &e.message());
            ExitCode::from(1)
        }
    }
}

fn today() -> NaiveDate {
    Local::now().date_naive()
}

fn date_arg(s: &str) -> Result<NaiveDate, DiaryError> {
    parse_date(s, today())
}

fn diary_dir(cli_dir: &Option<PathBuf>) -> Result<PathBuf, DiaryError> {
    cli_dir
        .clone()
        .or_else(Diary::default_dir)
        .ok_or_else(|| DiaryError::Invalid("no data folder on this system; pass --diary DIR".into()))
}

fn read_secret(env: &str, prompt: &str, confirm: bool) -> Result<Zeroizing<String>, DiaryError> {
    if let Ok(v) = std::env::var(env) {
        return Ok(Zeroizing::new(v));
    }
    if !std::io::stdin().is_terminal() {
        return Err(DiaryError::PassphraseRequired);
    }
    let first = Zeroizing::new(rpassword::prompt_password(prompt)?);
    if confirm {
        let again = Zeroizing::new(rpassword::prompt_password("Repeat it: ")?);
        if *again != *first {
            return Err(DiaryError::Invalid("the two passphrases differ".into()));
        }
    }
    Ok(first)
}

fn unlock_for(dir: &std::path::Path, recovery: &Option<String>) -> Result<Unlock, DiaryError> {
    if let Some(rk) = recovery {
        return Ok(Unlock::RecoveryKey(Zeroizing::new(rk.clone())));
    }
    Ok(match Diary::key_mode(dir)? {
        KeyMode::Keyring => Unlock::Keyring,
        KeyMode::Passphrase => Unlock::Passphrase(read_secret("NEXTDATE_PASSPHRASE", "Passphrase: ", false)?),
    })
}

/// A member by id, or by name (case-insensitive, must be unambiguous).
fn find_member(diary: &Diary, who: &str) -> Result<String, DiaryError> {
    let members = diary.members()?;
    if let Some(m) = members.iter().find(|m| m.id == who) {
        return Ok(m.id.clone());
    }
    let named: Vec<_> = members
        .iter()
        .filter(|m| m.name.to_lowercase().contains(&who.trim().to_lowercase()))
        .collect();
    match named.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Err(DiaryError::UnknownId {
            kind: "member",
            id: who.to_string(),
        }),
        many => Err(DiaryError::Invalid(format!(
            "{who:?} matches {} members ({}); give the member's id",
            many.len(),
            many.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

fn parse_party(s: &str) -> Result<Party, DiaryError> {
    let (name, side) = s.rsplit_once(':').ok_or_else(|| {
        DiaryError::Invalid(format!(
            "party {s:?} should be \"NAME:SIDE\", e.g. \"Rajesh Sharma:petitioner\""
        ))
    })?;
    Ok(Party {
        name: name.to_string(),
        side: side.to_string(),
        counsel: None,
    })
}

fn run(cli: Cli, out: &Out) -> Result<(), Failure> {
    let dir = diary_dir(&cli.diary)?;
    if let Command::Init {
        passphrase,
        name,
        advocate,
    } = &cli.command
    {
        let protection = if *passphrase {
            Protection::Passphrase(read_secret("NEXTDATE_PASSPHRASE", "New passphrase: ", true)?)
        } else {
            Protection::Keyring
        };
        let mode = if *passphrase { "passphrase" } else { "keyring" };
        let nextdate_diary::NewDiary {
            diary: _diary,
            recovery_key: recovery,
        } = Diary::init(
            &dir,
            InitOptions {
                name: name.clone(),
                advocate: advocate.clone(),
                protection,
            },
        )?;
        out.init(&dir, mode, &recovery);
        return Ok(());
    }
    if let Command::Restore {
        file,
        passphrase,
        replace,
    } = &cli.command
    {
        let backup_pass = read_secret("NEXTDATE_BACKUP_PASSPHRASE", "Backup passphrase: ", false)?;
        let protection = if *passphrase {
            Protection::Passphrase(read_secret(
                "NEXTDATE_PASSPHRASE",
                "New passphrase for the restored diary: ",
                true,
            )?)
        } else {
            Protection::Keyring
        };
        let opts = InitOptions {
            name: "Restored diary".into(),
            advocate: None,
            protection,
        };
        let (_d, recovery, summary) = Diary::restore(file, &backup_pass, &dir, opts, *replace)?;
        out.restored(&dir, &recovery, summary.docs, summary.blobs);
        return Ok(());
    }
    if let Command::Key(KeyCmd::Status) = &cli.command {
        let mode = Diary::key_mode(&dir)?;
        let m = if mode == KeyMode::Keyring {
            "keyring"
        } else {
            "passphrase"
        };
        if out.json {
            println!("{}", json!({ "diary": dir, "mode": m }));
        } else {
            println!("diary: {}\nkey kept in: {m}", dir.display());
        }
        return Ok(());
    }
    let unlock = unlock_for(&dir, &cli.recovery_key)?;
    let mut diary = Diary::open(&dir, &unlock)?;
    match cli.command {
        Command::Init { .. } => unreachable!("handled above"),
        Command::Client(ClientCmd::Add {
            name,
            phones,
            email,
            address,
        }) => {
            let id = diary.add_client(NewClient {
                name,
                phones,
                email,
                address,
                notes: None,
            })?;
            out.id(&id);
        }
        Command::Client(ClientCmd::List) => out.clients(&diary.clients()?),
        Command::Client(ClientCmd::Show { id }) => {
            let client = diary.client(&id)?;
            out.client(&client, &diary.client_cases(&id)?, &diary.client_balance(&id)?);
        }
        Command::Case(CaseCmd::Add(a)) => {
            let parties = a
                .parties
                .iter()
                .map(|p| parse_party(p))
                .collect::<Result<Vec<_>, _>>()?;
            let next_date = a.next_date.as_deref().map(date_arg).transpose()?;
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
        Command::Case(CaseCmd::Show { id }) => out.case(&diary.case_detail(&id)?),
        Command::Case(CaseCmd::List {
            court,
            status,
            stage,
            undated,
        }) => {
            let status = status.map(|s| match s {
                Status::Pending => "pending".to_string(),
                Status::Disposed => "disposed".to_string(),
                Status::Transferred => "transferred".to_string(),
            });
            let filter = CaseFilter {
                court,
                status,
                stage,
                undated_as_of: undated.then(today),
            };
            out.cases(&diary.cases(&filter)?);
        }
        Command::Hearing(HearingCmd::Record {
            case_id,
            date,
            next_date,
            purpose,
            disposed,
            outcome,
            item,
        }) => {
            let date = date_arg(&date)?;
            let next = if disposed {
                NextStep::Disposed
            } else {
                let nd = next_date
                    .as_deref()
                    .map(date_arg)
                    .transpose()?
                    .expect("clap requires --next-date");
                NextStep::Adjourned { next_date: nd, purpose }
            };
            let id = diary.record_hearing(
                &case_id,
                RecordHearing {
                    date,
                    outcome,
                    item,
                    next,
                    attended_by: None,
                },
            )?;
            out.id(&id);
        }
        Command::Board { date, days } => {
            let from = date_arg(&date)?;
            if !(1..=366).contains(&days) {
                return Err(DiaryError::Invalid("--days must be between 1 and 366".into()).into());
            }
            let boards = (0..days)
                .map(|i| diary.board(from + chrono::Duration::days(i.into())))
                .collect::<Result<Vec<_>, _>>()?;
            out.boards(&boards);
        }
        Command::Search { query, limit } => out.search(&diary.search(&query.join(" "), limit)?),
        Command::Task(TaskCmd::Add {
            case_id,
            title,
            due,
            assignee,
        }) => {
            let due = due.as_deref().map(date_arg).transpose()?;
            out.id(&diary.add_task(&case_id, NewTask { title, due, assignee })?);
        }
        Command::Task(TaskCmd::Done { id }) => {
            diary.complete_task(&id)?;
            out.ok(&format!("task {id} done"));
        }
        Command::Tasks { overdue } => out.tasks(&diary.tasks(overdue.then(today))?),
        Command::Fee(FeeCmd::Add {
            case_id,
            kind,
            amount,
            date,
            note,
            mode,
            currency,
        }) => {
            let amount_minor = parse_amount(&amount)?;
            let date = date.as_deref().map(date_arg).transpose()?.unwrap_or_else(today);
            let kind = match kind {
                Kind::Agreed => FeeKind::Agreed,
                Kind::Received => FeeKind::Received,
                Kind::Expense => FeeKind::Expense,
            };
            let id = diary.add_fee(
                &case_id,
                NewFee {
                    kind,
                    amount_minor,
                    currency: Some(currency),
                    date,
                    mode,
                    remark: note,
                },
            )?;
            out.id(&id);
        }
        Command::Fees { case_id } => {
            let rows = diary.fees(case_id.as_deref())?;
            let balance = match &case_id {
                Some(id) => diary.case_balance(id)?,
                None => diary.total_balance()?,
            };
            out.fees(&rows, &balance);
        }
        Command::Note(NoteCmd::Add {
            case_id,
            text,
            client_visible,
        }) => {
            out.id(&diary.add_note(&case_id, NewNote { text, client_visible })?);
        }
        Command::History { case_id } => out.history(&diary.history(&case_id)?),
        Command::Rebuild => {
            diary.rebuild()?;
            out.ok("projection rebuilt from the documents");
        }
        Command::Demo { cases, seed, batch } => {
            let summary =
                nextdate_diary::demo::generate(&mut diary, cases, seed, today(), batch, |ids| out.committed(ids))?;
            out.demo(&summary);
        }
        Command::Restore { .. } => unreachable!("handled before unlocking"),
        Command::DeleteEverything { confirm } => {
            let dir = diary.delete_everything(&confirm)?;
            out.ok(&format!("deleted the diary in {} and its key", dir.display()));
        }
        Command::Export(ExportCmd::Ics {
            output,
            from,
            to,
            force,
        }) => {
            let from = from.as_deref().map(date_arg).transpose()?;
            let to = to.as_deref().map(date_arg).transpose()?;
            if output.exists() && !force {
                return Err(DiaryError::AlreadyExists(output).into());
            }
            let ics = diary.hearings_ics(from, to)?;
            let events = ics.matches("BEGIN:VEVENT").count();
            std::fs::write(&output, ics)?;
            out.ok(&format!("wrote {events} hearings to {}", output.display()));
        }
        Command::Sync(cmd) => sync_command(&mut diary, cmd, out).map_err(Failure::Sync)?,
        Command::Remind { at, cmd: None } => {
            let now = match at {
                Some(t) => chrono::NaiveDateTime::parse_from_str(t.trim(), "%Y-%m-%d %H:%M")
                    .map_err(|_| DiaryError::Invalid(format!("invalid time {t:?}: use \"YYYY-MM-DD HH:MM\"")))?,
                None => Local::now().naive_local(),
            };
            let notifier = nextdate_remind::DesktopNotifier::new("Nextdate", None);
            let sent = nextdate_remind::tick(&mut diary, now, &notifier)?;
            out.reminded(&sent);
        }
        Command::Remind {
            at: _,
            cmd:
                Some(RemindCmd::Settings {
                    digest_time,
                    digest,
                    undated,
                    tasks,
                }),
        } => {
            let mut s = diary.reminder_settings()?;
            let on = |v: OnOff| matches!(v, OnOff::On);
            if let Some(t) = digest_time {
                s.digest_time = t;
            }
            if let Some(v) = digest {
                s.digest = on(v);
            }
            if let Some(v) = undated {
                s.undated = on(v);
            }
            if let Some(v) = tasks {
                s.tasks = on(v);
            }
            diary.set_reminder_settings(&s)?;
            out.reminder_settings(&diary.reminder_settings()?);
        }
        Command::Export(ExportCmd::Json { output }) => {
            let s = diary.export(nextdate_diary::export::ExportFormat::Json, &output)?;
            out.exported(&output, &s);
        }
        Command::Export(ExportCmd::Csv { output }) => {
            let s = diary.export(nextdate_diary::export::ExportFormat::Csv, &output)?;
            out.exported(&output, &s);
        }
        Command::Import(ImportCmd::Csv { paths, dry_run }) => {
            let mode = if dry_run {
                nextdate_diary::import::ImportMode::DryRun
            } else {
                nextdate_diary::import::ImportMode::Apply
            };
            let report = diary.import_csv(&paths, mode)?;
            out.imported(&report);
            if !report.errors.is_empty() {
                return Err(DiaryError::Invalid(format!(
                    "{} bad row{} in the CSV; nothing was imported",
                    report.errors.len(),
                    if report.errors.len() == 1 { "" } else { "s" }
                ))
                .into());
            }
        }
        Command::Print {
            date,
            to,
            paper,
            advocate,
            tasks,
            output,
            force,
        } => {
            let from = date_arg(&date)?;
            let to = to.as_deref().map(date_arg).transpose()?.unwrap_or(from);
            if output.exists() && !force {
                return Err(DiaryError::AlreadyExists(output).into());
            }
            let member = match advocate {
                Some(who) => Some(find_member(&diary, &who)?),
                None => None,
            };
            let opts = nextdate_print::ListOptions {
                from,
                to,
                paper: match paper {
                    PaperArg::A4 => nextdate_print::Paper::A4,
                    PaperArg::Letter => nextdate_print::Paper::Letter,
                },
                member,
                include_tasks: tasks,
                printed_at: Local::now().naive_local(),
            };
            let list = nextdate_print::hearing_list(&diary, &opts)?;
            let pdf = list.pdf()?;
            nextdate_diary::atomic_file::write_file(&output, &pdf, force)?;
            out.printed(&output, list.hearing_count(), list.page_count(), pdf.len());
        }
        Command::Backup { output } => {
            let pass = read_secret("NEXTDATE_BACKUP_PASSPHRASE", "Backup passphrase: ", true)?;
            let s = diary.backup(&output, &pass)?;
            out.ok(&format!(
                "backed up {} documents and {} attachments to {} ({} bytes, age-encrypted)",
                s.docs,
                s.blobs,
                output.display(),
                s.bytes
            ));
        }
        Command::Key(cmd) => match cmd {
            KeyCmd::Status => unreachable!("handled before unlocking"),
            KeyCmd::Passphrase => {
                let new = read_secret("NEXTDATE_NEW_PASSPHRASE", "New passphrase: ", true)?;
                diary.reprotect(&unlock, Protection::Passphrase(new))?;
                out.ok("the diary key is now protected by the new passphrase");
            }
            KeyCmd::Keyring => {
                diary.reprotect(&unlock, Protection::Keyring)?;
                out.ok("the diary key is now kept in the OS keyring");
            }
        },
    }
    Ok(())
}

fn sync_command(diary: &mut Diary, cmd: SyncCmd, out: &Out) -> Result<(), nextdate_sync::SyncError> {
    use nextdate_sync::engine;
    match cmd {
        SyncCmd::Init { relay } => {
            let report = engine::init(diary, &relay)?;
            // With --json the report alone is printed (one JSON document).
            if !out.json {
                out.ok(&format!(
                    "this diary is now chamber {} on {}",
                    diary.chamber_id(),
                    engine::status(diary)?.relay.unwrap_or_default()
                ));
            }
            out.synced(&report);
        }
        SyncCmd::Invite { hours, qr } => {
            let made = engine::invite(diary, std::time::Duration::from_secs(u64::from(hours.max(1)) * 3600))?;
            out.invite(&made.invite, qr);
        }
        SyncCmd::Join { code, label } => {
            let code = if code == "-" {
                let mut s = String::new();
                std::io::stdin().read_line(&mut s).map_err(DiaryError::from)?;
                Zeroizing::new(s)
            } else {
                Zeroizing::new(code)
            };
            let report = engine::join(diary, &code, &label)?;
            if !out.json {
                out.ok(&format!("joined chamber {}", diary.chamber_id()));
            }
            out.synced(&report);
        }
        SyncCmd::Now { attempts } => {
            let report = engine::sync_with_retry(diary, attempts.max(1))?;
            out.synced(&report);
        }
        SyncCmd::Status => out.sync_status(&engine::status(diary)?),
    }
    Ok(())
}
