//! Header aliases: the column names other practice tools, court websites and
//! Nextdate's own export use for each field ("Case No.", "NDOH", "Coram" …),
//! compared in lower case with letters and digits only.

use super::Kind;

/// Header aliases (lower case, letters and digits only) for each field.
pub(super) fn aliases(kind: Kind) -> &'static [(&'static str, &'static [&'static str])] {
    match kind {
        Kind::Clients => &[
            ("id", &["id", "clientid"]),
            ("name", &["name", "clientname", "client", "fullname"]),
            (
                "phones",
                &[
                    "phones",
                    "phone",
                    "mobile",
                    "mobileno",
                    "phoneno",
                    "contact",
                    "contactno",
                ],
            ),
            ("email", &["email", "emailid", "emailaddress"]),
            ("address", &["address"]),
            ("notes", &["notes", "remarks", "note"]),
            ("created_at", &["createdat"]),
        ],
        Kind::Cases => &[
            ("id", &["id", "caseid"]),
            (
                "number",
                &[
                    "number",
                    "caseno",
                    "casenumber",
                    "casenum",
                    "regno",
                    "registrationno",
                    "filingno",
                ],
            ),
            ("title", &["title", "casetitle", "causetitle", "matter", "casename"]),
            ("cnr", &["cnr", "cnrno", "cnrnumber"]),
            (
                "court",
                &["court", "courtname", "courtcomplex", "forum", "establishment"],
            ),
            (
                "bench",
                &[
                    "bench",
                    "judge",
                    "coram",
                    "courthall",
                    "courtno",
                    "courtnohall",
                    "courtroom",
                    "courtnumber",
                ],
            ),
            ("case_type", &["casetype", "type"]),
            ("status", &["status", "casestatus"]),
            ("status_date", &["statusdate", "disposaldate", "dateofdisposal"]),
            ("status_remark", &["statusremark", "disposalremark"]),
            ("stage", &["stage", "casestage", "stageofcase"]),
            (
                "petitioner",
                &[
                    "petitioner",
                    "petitioners",
                    "appellant",
                    "plaintiff",
                    "complainant",
                    "applicant",
                    "petitionername",
                ],
            ),
            (
                "respondent",
                &[
                    "respondent",
                    "respondents",
                    "defendant",
                    "accused",
                    "oppositeparty",
                    "respondentname",
                ],
            ),
            ("client_ids", &["clientids"]),
            ("clients", &["clients", "client", "clientname", "clientnames"]),
            (
                "next_date",
                &[
                    "nextdate",
                    "nexthearingdate",
                    "ndoh",
                    "nexthearing",
                    "dateofnexthearing",
                    "nextdateofhearing",
                ],
            ),
            (
                "previous_date",
                &[
                    "previousdate",
                    "lastdate",
                    "lasthearingdate",
                    "prevdate",
                    "previoushearingdate",
                ],
            ),
            (
                "purpose",
                &["purpose", "nextpurpose", "purposeofhearing", "purposeofnexthearing"],
            ),
            ("item", &["item", "itemno", "itemnumber", "serialno", "srno"]),
            ("created_at", &["createdat"]),
        ],
        Kind::Parties => &[
            ("case_id", &["caseid"]),
            ("case_number", &["casenumber", "caseno"]),
            ("court", &["court"]),
            ("position", &["position"]),
            ("name", &["name", "partyname"]),
            ("side", &["side", "role"]),
            ("counsel", &["counsel", "advocate"]),
        ],
        Kind::Hearings => &[
            ("id", &["id", "hearingid"]),
            ("case_id", &["caseid"]),
            ("case_number", &["casenumber", "caseno"]),
            ("court", &["court", "courtname"]),
            ("date", &["date", "hearingdate", "dateofhearing", "businessdate"]),
            ("item", &["item", "itemno"]),
            ("purpose", &["purpose", "purposeofhearing"]),
            ("outcome", &["outcome", "proceedings", "business", "result"]),
            ("next_date", &["nextdate", "nexthearingdate", "ndoh"]),
            ("disposed", &["disposed"]),
            ("attended_by", &["attendedby", "appearedby"]),
            ("recorded_at", &["recordedat"]),
        ],
        Kind::Fees => &[
            ("id", &["id", "feeid"]),
            ("case_id", &["caseid"]),
            ("case_number", &["casenumber", "caseno"]),
            ("court", &["court"]),
            ("kind", &["kind", "type", "feetype"]),
            ("amount", &["amount", "amountrs", "amountinr"]),
            ("amount_minor", &["amountminor"]),
            ("currency", &["currency"]),
            ("date", &["date", "feedate", "paymentdate"]),
            ("mode", &["mode", "paymentmode"]),
            ("remark", &["remark", "remarks", "narration"]),
            ("voided_at", &["voidedat"]),
            ("void_reason", &["voidreason"]),
        ],
        Kind::Tasks => &[
            ("id", &["id", "taskid"]),
            ("case_id", &["caseid"]),
            ("case_number", &["casenumber", "caseno"]),
            ("court", &["court"]),
            ("title", &["title", "task"]),
            ("due", &["due", "duedate"]),
            ("assignee", &["assignee", "assignedto"]),
            ("done", &["done", "completed"]),
            ("done_at", &["doneat"]),
            ("created_at", &["createdat"]),
        ],
        Kind::Notes => &[
            ("id", &["id", "noteid"]),
            ("case_id", &["caseid"]),
            ("case_number", &["casenumber", "caseno"]),
            ("court", &["court"]),
            ("text", &["text", "note"]),
            ("client_visible", &["clientvisible"]),
            ("author", &["author"]),
            ("at", &["at", "date"]),
        ],
    }
}

pub(super) fn norm(h: &str) -> String {
    h.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}
