//! The `nextdate` command line as clap definitions: the global flags, every
//! command and its arguments. Value names, flags and help text here are the
//! CLI's public spelling (scripts and tests rely on them). The commands that
//! add and correct records are in `records.rs`.

mod accounts;
mod records;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use nextdate_print::Paper;

pub use accounts::*;
pub use records::*;

#[derive(Parser)]
#[command(
    name = "nextdate",
    version,
    about = "Nextdate: an encrypted, local-first case diary for advocates"
)]
pub struct Cli {
    /// Diary folder (default: the OS data folder, e.g. ~/.local/share/in.nextdate.diary on Linux).
    #[arg(long, global = true, env = "NEXTDATE_DIARY", value_name = "DIR")]
    pub diary: Option<PathBuf>,
    /// Machine-readable JSON output.
    #[arg(long, global = true)]
    pub json: bool,
    /// Unlock with the recovery key shown at `init` instead of the keyring or passphrase.
    #[arg(
        long,
        global = true,
        env = "NEXTDATE_RECOVERY_KEY",
        value_name = "KEY",
        hide_env_values = true
    )]
    pub recovery_key: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
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
        /// Also write the recovery sheet (recovery key and backup identity, as text
        /// and QR codes) to this PDF, to print and keep in the office.
        #[arg(long, value_name = "FILE.pdf")]
        recovery_sheet: Option<PathBuf>,
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
    /// A case's fee terms and its account (earned against received); with options, set the terms.
    Terms(TermsArgs),
    /// Time spent on cases, and the timer.
    #[command(subcommand)]
    Time(TimeCmd),
    /// Print the receipt for a payment received (numbered on first print; a voided payment's
    /// receipt prints as cancelled).
    Receipt(ReceiptArgs),
    /// Issue a bill (fee memo) for a case or a client over a period, as a PDF (or a draft).
    Bill(BillArgs),
    /// Bills issued: list them, or cancel one.
    #[command(subcommand)]
    Bills(BillsCmd),
    /// A client's statement of account (every entry with a running balance) as a PDF.
    Statement(StatementArgs),
    /// A short update for a client, ready to paste into WhatsApp, SMS or e-mail: for a case,
    /// or for all of a client's pending cases; in English or Hindi; also as a one-page PDF.
    ClientUpdate(ClientUpdateArgs),
    /// Clients and cases with a balance due, oldest first, and bills left unpaid.
    Outstanding,
    /// Show or change the chamber's billing details: address, GSTIN and tax line.
    Billing(BillingArgs),
    /// Notes.
    #[command(subcommand)]
    Note(NoteCmd),
    /// Documents attached to cases (kept encrypted in the diary).
    #[command(subcommand)]
    Doc(DocCmd),
    /// Who changed what in a case, and when.
    History { case_id: String },
    /// Take back this device's last change (again: the one before it, and so on).
    /// The undo is a new change that puts back the previous values; it syncs like any other.
    Undo,
    /// Drop the projection and rebuild it from the documents.
    Rebuild,
    /// Check the diary for damage (encrypted pages, records, lists, attachments); writes nothing.
    Check,
    /// Rebuild what the records hold, then check again and say what could not be repaired.
    Repair,
    /// Re-check the author of every change against the laptops' keys; names any it cannot attribute.
    Verify,
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
    /// Status links for clients: the case as the client may see it, served by the
    /// chamber's relay, which cannot read it (the key is only in the link).
    #[command(subcommand)]
    Link(LinkCmd),
    /// Print the hearing list of a date (or a range of dates) to a PDF file.
    Print(PrintArgs),
    /// Delete the whole diary: its key (keyring entry and key file), database and attachments.
    DeleteEverything {
        /// The diary's name, typed out, to confirm.
        #[arg(long, value_name = "DIARY NAME")]
        confirm: String,
    },
    /// Write an encrypted backup: `-o FILE` with a passphrase (NEXTDATE_BACKUP_PASSPHRASE or a
    /// prompt), or `--auto` into the automatic backup folder (when one is due; for cron).
    #[command(args_conflicts_with_subcommands = true)]
    Backup {
        #[command(subcommand)]
        cmd: Option<BackupCmd>,
        #[arg(short = 'o', long = "output", value_name = "FILE", required_unless_present = "auto")]
        output: Option<PathBuf>,
        /// Write an automatic backup into the backup folder if one is due (none yet
        /// today), encrypted to the recovery sheet's backup identity, then delete the
        /// backups the retention (7 daily, 4 weekly, 12 monthly) no longer keeps.
        #[arg(long, conflicts_with = "output")]
        auto: bool,
        /// With --auto: write one now even if one was already made today.
        #[arg(long, requires = "auto")]
        now: bool,
    },
    /// Make a new recovery sheet (PDF): a new recovery key and a new backup identity.
    /// The old recovery key stops working; older automatic backups still need the old sheet.
    RecoverySheet {
        #[arg(short = 'o', long = "output", value_name = "FILE.pdf")]
        output: PathBuf,
        #[arg(long, value_enum, default_value = "a4")]
        paper: Paper,
    },
    /// Restore a backup into the diary folder as a new diary (key in the keyring, or --passphrase).
    /// A passphrase backup asks for NEXTDATE_BACKUP_PASSPHRASE; an automatic backup for the
    /// recovery sheet's backup identity (NEXTDATE_BACKUP_IDENTITY, or a prompt).
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

/// `nextdate backup settings|status`.
#[derive(Subcommand)]
pub enum BackupCmd {
    /// Pick the folder automatic backups go to (a USB drive, or a folder a cloud client syncs).
    Settings {
        #[arg(long, value_name = "DIR", required_unless_present = "off")]
        folder: Option<PathBuf>,
        /// Stop automatic backups (the ones written stay).
        #[arg(long, conflicts_with = "folder")]
        off: bool,
    },
    /// When the last automatic backup was made, and whether one is due.
    Status,
}

// The arguments of `print` (no doc comment: the variant's is its help).
#[derive(Args)]
pub struct PrintArgs {
    /// The list's date (default: tomorrow).
    #[arg(long, default_value = "tomorrow")]
    pub date: String,
    /// Last date of a range (default: the same as --date).
    #[arg(long)]
    pub to: Option<String>,
    #[arg(long, value_enum, default_value = "a4")]
    pub paper: Paper,
    /// Only the cases of this member (id or name); default: the whole chamber.
    #[arg(long, value_name = "MEMBER")]
    pub advocate: Option<String>,
    /// Add the open tasks due on the listed dates.
    #[arg(long)]
    pub tasks: bool,
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
    /// Overwrite FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Subcommand)]
pub enum SyncCmd {
    /// Register this diary as a chamber on a relay (this device becomes its admin) and send everything.
    Init {
        /// The relay's address, e.g. https://192.168.1.10:7070 or https://relay.example.in
        /// (plain http:// only for a relay on this computer).
        #[arg(long)]
        relay: String,
        /// The certificate pin the relay printed when it started (sha256:…), for
        /// a relay with its own certificate; invites carry it to every device.
        #[arg(long, value_name = "PIN")]
        pin: Option<String>,
        /// The registration token the relay's operator gave you (a relay open
        /// to anyone needs none).
        #[arg(long, value_name = "TOKEN", env = "NEXTDATE_RELAY_TOKEN", hide_env_values = true)]
        token: Option<String>,
    },
    /// Make a one-time invite code for a new device (admin only).
    Invite {
        /// The role of the member who joins with it (owner, admin, advocate, clerk, accounts or viewer).
        #[arg(long, value_enum, default_value = "advocate")]
        role: nextdate_diary::roles::Role,
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
    /// Relay, chamber, devices, last sync, pending changes, refused changes and errors.
    Status,
    /// The chamber's members and their devices, with roles.
    Members,
    /// Change a member's role (owner or admin only; only an owner changes an owner).
    Role {
        /// The member's id or (part of) their name.
        member: String,
        #[arg(value_enum)]
        role: nextdate_diary::roles::Role,
    },
    /// Remove a laptop (lost, or its member left) and change the chamber key,
    /// so that it can read nothing written from now on (the admin laptop only).
    Remove {
        /// The laptop's actor id (or its first 8+ digits) or label, or a
        /// member's id or name for all of that member's laptops.
        device: String,
    },
}

#[derive(Subcommand)]
pub enum RemindCmd {
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
        /// Bills unpaid for more than 30 days.
        #[arg(long, value_enum)]
        unpaid_bills: Option<OnOff>,
    },
}

#[derive(Subcommand)]
pub enum ImportCmd {
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
pub enum ExportCmd {
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
    /// Every charge and payment as one CSV file for an accountant (with receipt and bill numbers).
    Ledger {
        #[arg(short = 'o', long = "output", value_name = "FILE.csv")]
        output: PathBuf,
        /// Overwrite FILE if it exists.
        #[arg(long)]
        force: bool,
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
pub enum KeyCmd {
    /// Show how the key is kept.
    Status,
    /// Protect the key with a (new) passphrase (from NEXTDATE_NEW_PASSPHRASE or a prompt).
    Passphrase,
    /// Keep the key in the OS keyring instead of a passphrase.
    Keyring,
}
