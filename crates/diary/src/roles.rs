//! Chamber roles and what each may change: the matrix `docs/roles.md`
//! describes, as code. Every laptop decides with [`allows`] both before it
//! writes a local change and when a change arrives from another laptop (see
//! [`crate::authorize`]), so a role means the same thing everywhere.

use serde::{Deserialize, Serialize};

/// A member's role in the chamber, from most to least trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Admin,
    Advocate,
    Clerk,
    Accounts,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Owner,
        Role::Admin,
        Role::Advocate,
        Role::Clerk,
        Role::Accounts,
        Role::Viewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Advocate => "advocate",
            Role::Clerk => "clerk",
            Role::Accounts => "accounts",
            Role::Viewer => "viewer",
        }
    }

    /// Reads a role name; an unknown name (from a newer version, or damage)
    /// is `None`, which may change nothing.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim().to_lowercase())
    }

    /// "a clerk", "an accounts member", as refusals say it.
    pub fn with_article(self) -> &'static str {
        match self {
            Role::Owner => "an owner",
            Role::Admin => "an admin",
            Role::Advocate => "an advocate",
            Role::Clerk => "a clerk",
            Role::Accounts => "an accounts member",
            Role::Viewer => "a viewer",
        }
    }

    /// Owners and admins manage the chamber's members.
    pub fn manages_members(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }
}

/// A kind of record a change touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Record {
    Case,
    Hearing,
    CaseTask,
    Note,
    Fee,
    Document,
    Client,
    /// A chamber task (a follow-up that belongs to no case).
    ChamberTask,
    /// The chamber's name, courts and currency.
    ChamberSettings,
    /// Members, their roles and their devices.
    Membership,
    /// A client's status link (the case as the client may see it).
    StatusLink,
}

impl Record {
    fn noun(self) -> &'static str {
        match self {
            Record::Case => "cases",
            Record::Hearing => "hearings",
            Record::CaseTask => "case tasks",
            Record::Note => "notes",
            Record::Fee => "fees",
            Record::Document => "documents",
            Record::Client => "clients",
            Record::ChamberTask => "chamber tasks",
            Record::ChamberSettings => "the chamber's settings",
            Record::Membership => "the chamber's members",
            Record::StatusLink => "status links",
        }
    }
}

/// What a change does to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Op {
    Add,
    Edit,
    /// Removing (or restoring) a record, voiding a fee, erasing a client.
    Remove,
}

/// One thing a change does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Action {
    pub record: Record,
    pub op: Op,
}

impl Action {
    pub fn new(record: Record, op: Op) -> Action {
        Action { record, op }
    }

    /// "change fees", "remove cases", as a refusal says it.
    pub fn describe(self) -> String {
        let verb = match (self.record, self.op) {
            (Record::Membership | Record::ChamberSettings | Record::Fee | Record::StatusLink, _) => "change",
            (_, Op::Add) => "add",
            (_, Op::Edit) => "edit",
            (_, Op::Remove) => "remove",
        };
        format!("{verb} {}", self.record.noun())
    }
}

/// Whether `role` may do `action`. Membership changes have further rules
/// (only an owner touches an owner), checked in [`crate::authorize`].
pub fn allows(role: Role, action: Action) -> bool {
    use Op::*;
    use Record::*;
    let Action { record, op } = action;
    match role {
        Role::Owner | Role::Admin => true,
        Role::Advocate => !matches!(record, Membership | ChamberSettings),
        Role::Clerk => match record {
            Case | Hearing | Client | Document | Note => op != Remove,
            CaseTask | ChamberTask => true,
            Fee | ChamberSettings | Membership | StatusLink => false,
        },
        // Links show a case to its client: for those who speak for the chamber.
        Role::Accounts => matches!(record, Fee | CaseTask | ChamberTask),
        Role::Viewer => false,
    }
}

/// The refusal a member sees: "a clerk may not change fees".
pub fn refusal(role: Role, action: Action) -> String {
    format!("{} may not {}", role.with_article(), action.describe())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_matrix_holds_its_promises() {
        let fee = Action::new(Record::Fee, Op::Edit);
        let remove_case = Action::new(Record::Case, Op::Remove);
        let hearing = Action::new(Record::Hearing, Op::Add);
        let members = Action::new(Record::Membership, Op::Edit);
        assert!(allows(Role::Owner, members) && allows(Role::Admin, members));
        assert!(!allows(Role::Advocate, members));
        assert!(allows(Role::Advocate, fee) && allows(Role::Advocate, remove_case));
        assert!(allows(Role::Clerk, hearing) && !allows(Role::Clerk, fee) && !allows(Role::Clerk, remove_case));
        assert!(allows(Role::Accounts, fee) && !allows(Role::Accounts, hearing));
        for record in [Record::Case, Record::Fee, Record::Client, Record::ChamberTask] {
            for op in [Op::Add, Op::Edit, Op::Remove] {
                assert!(
                    !allows(Role::Viewer, Action::new(record, op)),
                    "a viewer changes nothing"
                );
            }
        }
        assert_eq!(refusal(Role::Clerk, fee), "a clerk may not change fees");
        assert_eq!(refusal(Role::Clerk, remove_case), "a clerk may not remove cases");
        let link = Action::new(Record::StatusLink, Op::Add);
        assert!(allows(Role::Owner, link) && allows(Role::Admin, link) && allows(Role::Advocate, link));
        for role in [Role::Clerk, Role::Accounts, Role::Viewer] {
            assert!(!allows(role, link), "{role:?} gives no status link");
        }
        assert_eq!(refusal(Role::Clerk, link), "a clerk may not change status links");
    }

    #[test]
    fn role_names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse(" Clerk "), Some(Role::Clerk));
        assert_eq!(Role::parse("superuser"), None);
    }
}
