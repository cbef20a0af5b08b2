//! The commands that add and correct the diary's records: clients, cases,
//! hearings, tasks, fees, notes and documents.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use nextdate_diary::client_update::Language;
use nextdate_diary::{CaseStatus, FeeKind};

#[derive(Subcommand)]
pub enum ClientCmd {
    /// Add a client; prints the new id.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long = "phone")]
        phones: Vec<String>,
        #[arg(long)]
        email: Option<String>,
        /// The postal address (use \n for new lines).
        #[arg(long)]
        address: Option<String>,
        /// The language of the client's updates (default English).
        #[arg(long, value_enum)]
        update_language: Option<Language>,
    },
    /// List clients.
    List,
    /// A client with their cases and fee balance.
    Show { id: String },
    /// Correct a client's details; prints what changed. '' clears a field.
    Edit(ClientEditArgs),
    /// Remove a client no case names any more (detach them with `case edit --client` first).
    Remove { id: String },
    /// Erase a client's personal data on request, from this diary's history too
    /// and, once synced, from every laptop of the chamber. Cannot be undone.
    Erase {
        id: String,
        /// The client's name, as the diary has it, to confirm.
        #[arg(long, value_name = "NAME")]
        confirm: String,
    },
}

// The arguments of `client edit` (no doc comment: the variant's is its help).
#[derive(Args)]
pub struct ClientEditArgs {
    pub id: String,
    #[arg(long)]
    pub name: Option<String>,
    /// A phone number (repeatable); the numbers given replace all the client's numbers ('' clears them).
    #[arg(long = "phone", value_name = "PHONE")]
    pub phones: Option<Vec<String>>,
    #[arg(long)]
    pub email: Option<String>,
    /// The postal address (use \n for new lines).
    #[arg(long)]
    pub address: Option<String>,
    #[arg(long)]
    pub notes: Option<String>,
    /// The language of the client's updates.
    #[arg(long, value_enum)]
    pub update_language: Option<Language>,
}

#[derive(Subcommand)]
pub enum CaseCmd {
    /// Add a case; prints the new id.
    Add(Box<CaseAdd>),
    /// Everything about one case, each record with its id (and the removed ones).
    Show { id: String },
    /// Correct a case's details; prints what changed. '' clears a field, lists replace.
    Edit(Box<CaseEditArgs>),
    /// Change a case's status: dispose of, transfer, stay, or bring back to pending.
    Status(CaseStatusArgs),
    /// List cases.
    List {
        #[arg(long)]
        court: Option<String>,
        #[arg(long, value_enum)]
        status: Option<CaseStatus>,
        #[arg(long)]
        stage: Option<String>,
        /// Pending cases with no future hearing.
        #[arg(long)]
        undated: bool,
    },
    /// List a case on a date (its next date), without recording a hearing.
    Date(CaseDate),
}

// The arguments of `case date` (no doc comment: the variant's is its help).
#[derive(Args)]
pub struct CaseDate {
    pub case_id: String,
    #[arg(long)]
    pub next_date: String,
    #[arg(long)]
    pub purpose: Option<String>,
    #[arg(long)]
    pub item: Option<i64>,
}

#[derive(Args)]
pub struct CaseAdd {
    #[arg(long)]
    pub title: String,
    #[arg(long)]
    pub number: String,
    #[arg(long)]
    pub court: String,
    #[arg(long)]
    pub cnr: Option<String>,
    #[arg(long)]
    pub bench: Option<String>,
    #[arg(long = "type")]
    pub case_type: Option<String>,
    #[arg(long = "client")]
    pub clients: Vec<String>,
    /// A party as "NAME:SIDE[:COUNSEL]", e.g. "Rajesh Sharma:petitioner:Adv. Mehta" (repeatable).
    #[arg(long = "party")]
    pub parties: Vec<String>,
    #[arg(long)]
    pub stage: Option<String>,
    #[arg(long)]
    pub next_date: Option<String>,
    #[arg(long, requires = "next_date")]
    pub purpose: Option<String>,
    #[arg(long, requires = "next_date")]
    pub item: Option<i64>,
}

// The arguments of `case edit` (no doc comment: the variant's is its help).
#[derive(Args)]
pub struct CaseEditArgs {
    pub id: String,
    #[arg(long)]
    pub title: Option<String>,
    #[arg(long)]
    pub number: Option<String>,
    #[arg(long)]
    pub court: Option<String>,
    #[arg(long)]
    pub bench: Option<String>,
    #[arg(long)]
    pub cnr: Option<String>,
    #[arg(long)]
    pub stage: Option<String>,
    #[arg(long = "case-type", visible_alias = "type")]
    pub case_type: Option<String>,
    /// A party as "NAME:SIDE[:COUNSEL]" (repeatable); the parties given replace all of them.
    #[arg(long = "party", value_name = "PARTY")]
    pub parties: Option<Vec<String>>,
    /// A client's id (repeatable); the clients given replace all of them ('' detaches every client).
    #[arg(long = "client", value_name = "CLIENT")]
    pub clients: Option<Vec<String>>,
    /// A member (id or name) the case is assigned to (repeatable); replaces the assigned members.
    #[arg(long = "assign", value_name = "MEMBER")]
    pub assign: Option<Vec<String>>,
}

// The arguments of `case status` (no doc comment: the variant's is its help).
#[derive(Args)]
pub struct CaseStatusArgs {
    pub id: String,
    #[arg(long, value_enum)]
    pub to: CaseStatus,
    /// The day the status changed.
    #[arg(long, default_value = "today")]
    pub date: String,
    /// Why, in a few words ("settled", "disposed of by mistake").
    #[arg(long)]
    pub remark: Option<String>,
    /// The court a transferred case goes to (required with --to transferred).
    #[arg(long)]
    pub court: Option<String>,
}

#[derive(Subcommand)]
pub enum HearingCmd {
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
        /// Count it as a non-effective appearance (adjourned on the first call) in the accounts.
        #[arg(long)]
        non_effective: bool,
    },
    /// Correct a hearing: its date, item, purpose, outcome or next date ('' clears a field).
    Edit {
        hearing_id: String,
        #[arg(long)]
        date: Option<String>,
        /// The item number on the cause list ('' clears it).
        #[arg(long, value_parser = item_or_clear)]
        item: Option<Clearable<i64>>,
        #[arg(long)]
        purpose: Option<String>,
        #[arg(long)]
        outcome: Option<String>,
        /// The next date ('' clears it); the case's listing moves with it.
        #[arg(long)]
        next_date: Option<String>,
        /// Count it as a non-effective appearance (true) or an effective one (false).
        #[arg(long, value_name = "true|false")]
        non_effective: Option<bool>,
    },
    /// Remove a hearing entered by mistake (it stays in the case's history).
    Remove { hearing_id: String },
}

/// A value given to correct a field, or none to clear it (typed as '').
#[derive(Clone, Debug)]
pub struct Clearable<T>(pub Option<T>);

fn item_or_clear(s: &str) -> Result<Clearable<i64>, String> {
    match s.trim() {
        "" => Ok(Clearable(None)),
        n => n
            .parse()
            .map(|i| Clearable(Some(i)))
            .map_err(|_| format!("{n:?} is not an item number; give a whole number, or '' to clear it")),
    }
}

#[derive(Subcommand)]
pub enum TaskCmd {
    /// Add a task to a case, or to the chamber without --case; prints the new id.
    Add {
        // The case as the first argument, as before --case.
        #[arg(value_name = "CASE_ID", hide = true)]
        case_pos: Option<String>,
        /// The case the task belongs to (default: none, a chamber task).
        #[arg(long = "case", value_name = "CASE_ID", conflicts_with = "case_pos")]
        case_id: Option<String>,
        #[arg(long)]
        title: String,
        #[arg(long)]
        due: Option<String>,
        /// A member of the chamber (id or name).
        #[arg(long = "assign", alias = "assignee", value_name = "MEMBER")]
        assignee: Option<String>,
    },
    /// Mark a task done.
    Done { id: String },
    /// Correct a task's title, due date or assignee; prints what changed.
    Edit {
        id: String,
        #[arg(long)]
        title: Option<String>,
        /// The new due date ("" clears it).
        #[arg(long)]
        due: Option<String>,
        /// A member of the chamber (id or name; "" for nobody).
        #[arg(long = "assign", value_name = "MEMBER")]
        assignee: Option<String>,
    },
    /// Open a done task again.
    Reopen { id: String },
    /// Remove a task from the lists (it stays in the history, marked removed).
    Remove { id: String },
}

#[derive(Subcommand)]
pub enum FeeCmd {
    /// Add a fee entry to a case; prints the new id.
    Add {
        case_id: String,
        #[arg(long, value_enum)]
        kind: FeeKind,
        #[arg(long, allow_hyphen_values = true)]
        amount: String,
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        note: Option<String>,
        /// cash, UPI, cheque, bank transfer or card.
        #[arg(long)]
        mode: Option<String>,
        #[arg(long, default_value = "INR")]
        currency: String,
    },
    /// Correct a fee entry (not a voided one); prints what changed.
    Edit {
        id: String,
        #[arg(long, value_enum)]
        kind: Option<FeeKind>,
        #[arg(long, allow_hyphen_values = true)]
        amount: Option<String>,
        #[arg(long)]
        currency: Option<String>,
        #[arg(long)]
        date: Option<String>,
        /// cash, UPI, cheque, bank transfer or card ("" clears it).
        #[arg(long)]
        mode: Option<String>,
        /// "" clears it.
        #[arg(long)]
        remark: Option<String>,
    },
    /// Void a fee entry: it stays in the ledger, struck out, and leaves the balance.
    Void {
        id: String,
        /// Why, e.g. "entered twice".
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
pub enum NoteCmd {
    /// Add a note to a case (private unless --client-visible); prints the new id.
    Add {
        case_id: String,
        #[arg(long)]
        text: String,
        #[arg(long)]
        client_visible: bool,
    },
    /// Correct a note's text or whether the client may see it; prints what changed.
    Edit {
        id: String,
        #[arg(long)]
        text: Option<String>,
        #[arg(long, value_name = "true|false")]
        client_visible: Option<bool>,
    },
    /// Remove a note (it stays in the history, marked removed).
    Remove { id: String },
}

#[derive(Subcommand)]
pub enum DocCmd {
    /// Attach a file to a case (private unless --client-visible); prints the new id.
    Add {
        case_id: String,
        file: PathBuf,
        #[arg(long)]
        client_visible: bool,
    },
    /// The documents attached to a case.
    List { case_id: String },
    /// Write a document's contents to a file.
    Save {
        id: String,
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
        /// Overwrite FILE if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Rename a document or change whether the client may see it; prints what changed.
    Edit {
        id: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, value_name = "true|false")]
        client_visible: Option<bool>,
    },
    /// Remove a document from its case (it stays in the history, marked removed; its contents stay in the diary).
    Remove { id: String },
}

// The arguments of `client-update` (no doc comment: the variant's is its help).
#[derive(Args)]
pub struct ClientUpdateArgs {
    /// A case, or a client (all their pending cases).
    pub id: String,
    /// The language (default: the client's own, set with `client edit --update-language`).
    #[arg(long, value_enum)]
    pub lang: Option<Language>,
    /// Add the last hearing's outcome to each case.
    #[arg(long)]
    pub with_outcome: bool,
    /// Also write the update as a one-page status report (PDF) here.
    #[arg(long, value_name = "FILE.pdf")]
    pub pdf: Option<PathBuf>,
    /// With --pdf, also write the page as a PNG image here.
    #[arg(long, value_name = "FILE.png", requires = "pdf")]
    pub png: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "a4")]
    pub paper: nextdate_print::Paper,
}

#[derive(Subcommand)]
pub enum LinkCmd {
    /// Give a status link to a case, or to a client (all their pending cases); prints its address.
    Create {
        /// A case, or a client.
        id: String,
        /// The last day it opens (default: until revoked).
        #[arg(long, value_name = "DATE")]
        expires: Option<String>,
        /// Also show the outcomes of past hearings.
        #[arg(long)]
        outcomes: bool,
        /// Also show the fee statement (agreed, received, balance).
        #[arg(long)]
        fees: bool,
        /// The page's language (default: the client's own).
        #[arg(long, value_enum)]
        lang: Option<Language>,
        /// Also draw the address as a QR code.
        #[arg(long)]
        qr: bool,
    },
    /// Every link (of one case or client), with its address and how often it was opened.
    List { id: Option<String> },
    /// Revoke a link at once: it never opens again.
    Revoke { link_id: String },
}
