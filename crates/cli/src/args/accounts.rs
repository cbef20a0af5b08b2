//! The accounts commands: `terms`, `time …` and `receipt`.

use std::path::PathBuf;

use clap::Subcommand;
use nextdate_print::Paper;

#[derive(clap::Args)]
pub struct TermsArgs {
    pub case_id: String,
    /// A fixed fee for the case.
    #[arg(long, value_name = "AMOUNT")]
    pub fixed: Option<String>,
    /// A fee for each appearance (each recorded hearing).
    #[arg(long, value_name = "AMOUNT")]
    pub per_appearance: Option<String>,
    /// The fee for a non-effective appearance (default: the same as an effective one; 0 for none).
    #[arg(long, value_name = "AMOUNT")]
    pub non_effective: Option<String>,
    /// A rate per hour of billable time.
    #[arg(long, value_name = "AMOUNT")]
    pub hourly: Option<String>,
    /// The currency of the terms (default: the chamber's).
    #[arg(long)]
    pub currency: Option<String>,
    /// Remove the case's terms.
    #[arg(long, conflicts_with_all = ["fixed", "per_appearance", "non_effective", "hourly", "currency"])]
    pub clear: bool,
}

#[derive(Subcommand)]
pub enum TimeCmd {
    /// Record time spent on a case; prints the new id.
    Add {
        case_id: String,
        /// How long: minutes (90), or hours and minutes (1h30m, 1:30).
        #[arg(long, value_name = "DURATION", allow_hyphen_values = true)]
        minutes: String,
        /// The day the work was done (default: today).
        #[arg(long)]
        date: Option<String>,
        /// The member who did it (id or name; default: you).
        #[arg(long)]
        member: Option<String>,
        /// What was done.
        #[arg(long)]
        note: Option<String>,
        /// Not to be charged.
        #[arg(long)]
        unbillable: bool,
    },
    /// Time entries of one case, or of all.
    List { case_id: Option<String> },
    /// Correct a time entry; prints what changed.
    Edit {
        id: String,
        #[arg(long, value_name = "DURATION", allow_hyphen_values = true)]
        minutes: Option<String>,
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        member: Option<String>,
        /// "" clears it.
        #[arg(long)]
        note: Option<String>,
        #[arg(long, value_name = "true|false")]
        billable: Option<bool>,
    },
    /// Remove a time entry entered by mistake (it stays in the history).
    Remove { id: String },
    /// Start the timer on a case (it keeps running when the app or laptop is closed).
    Start {
        case_id: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// Stop the timer and record the time on the day it started.
    Stop {
        #[arg(long)]
        unbillable: bool,
    },
    /// Whether a timer is running, on which case, since when.
    Status,
    /// Throw the running timer away without recording anything.
    Discard,
}

#[derive(clap::Args)]
pub struct ReceiptArgs {
    /// The payment (a fee entry of kind received).
    pub fee_id: String,
    /// Where to write the PDF.
    #[arg(short = 'o', long = "output", value_name = "FILE.pdf")]
    pub output: PathBuf,
    /// Also write the page as a PNG image (a preview).
    #[arg(long, value_name = "FILE.png")]
    pub png: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "a4")]
    pub paper: Paper,
}

#[derive(clap::Args)]
pub struct BillArgs {
    /// The case, or the client (a bill for all their cases).
    pub id: String,
    /// The first day billed.
    #[arg(long)]
    pub from: String,
    /// The last day billed (default: today).
    #[arg(long)]
    pub to: Option<String>,
    /// Where to write the PDF.
    #[arg(short = 'o', long = "output", value_name = "FILE.pdf")]
    pub output: PathBuf,
    /// Print it marked DRAFT, without numbering or keeping it.
    #[arg(long)]
    pub draft: bool,
    /// Also write the first page as a PNG image (a preview).
    #[arg(long, value_name = "FILE.png")]
    pub png: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "a4")]
    pub paper: Paper,
}

#[derive(clap::Args)]
pub struct StatementArgs {
    /// The client.
    pub client_id: String,
    /// Start here, with the balance before it brought forward (default: from the first entry).
    #[arg(long)]
    pub from: Option<String>,
    /// Up to this day (default: today).
    #[arg(long)]
    pub to: Option<String>,
    #[arg(short = 'o', long = "output", value_name = "FILE.pdf")]
    pub output: PathBuf,
    #[arg(long, value_enum, default_value = "a4")]
    pub paper: Paper,
}

#[derive(Subcommand)]
pub enum BillsCmd {
    /// Bills issued (of one case or client, or all), newest first.
    List { id: Option<String> },
    /// Cancel an issued bill: it stays listed, its tax leaves the accounts,
    /// and its number is never given again.
    Cancel {
        bill_id: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(clap::Args)]
pub struct BillingArgs {
    /// The chamber's postal address for receipts and bills ("" clears it; use \n for new lines).
    #[arg(long)]
    pub address: Option<String>,
    /// The chamber's GSTIN, printed on bills with a tax line ("" clears it).
    #[arg(long)]
    pub gstin: Option<String>,
    /// Put a tax line on bills: its label, e.g. GST (with --tax-rate).
    #[arg(long, requires = "tax_rate")]
    pub tax_label: Option<String>,
    /// The tax rate in percent, e.g. 18.
    #[arg(long, requires = "tax_label")]
    pub tax_rate: Option<String>,
    /// Take the tax line off bills.
    #[arg(long, conflicts_with_all = ["tax_label", "tax_rate"])]
    pub no_tax: bool,
}
