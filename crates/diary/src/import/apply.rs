//! Applying a planned import: every client and case written in one write
//! transaction, clients named in the cases file matched to the diary's
//! clients of that name (or created).

use std::collections::HashMap;

use super::plan::Plan;
use crate::diary::Diary;
use crate::error::Result;
use crate::model::{ClientDoc, DocKind};
use crate::progress::{Progress, Stage};
use crate::records::{NewClient, WholeCase};

impl Diary {
    /// Writes everything `plan` holds, or nothing if any of it is refused.
    /// Reports each client and case written; cancelled, the transaction is rolled back.
    pub(super) fn apply(&mut self, plan: Plan, progress: &Progress<'_>) -> Result<()> {
        let Plan { clients, cases, .. } = plan;
        let total = (clients.len() + cases.len()) as u64;
        progress.step(Stage::Import, 0, total)?;
        // Clients named in cases.csv are the diary's clients of that name, or new ones.
        let mut by_name: HashMap<String, String> = self
            .clients()?
            .into_iter()
            .map(|c| (c.name.trim().to_lowercase(), c.id))
            .collect();
        self.write(|b| {
            let mut new_ids: HashMap<String, String> = HashMap::new();
            let written = clients.len() as u64;
            for (n, c) in clients.into_iter().enumerate() {
                let file_id = c.id.clone();
                let name = c.client.name.trim().to_lowercase();
                let id = b.insert_client_doc(c.id, c.client, c.created_at)?;
                // A client's bills: a second change, as the client is created from its details.
                if !c.bills.is_empty() {
                    let n = c.bills.len();
                    let mut bills = c.bills;
                    b.change::<ClientDoc, _>(&id, DocKind::Client, |doc, _| {
                        doc.bills.append(&mut bills);
                        Ok(((), format!("Imported {n} bill{}", if n == 1 { "" } else { "s" })))
                    })?;
                }
                if let Some(f) = file_id {
                    new_ids.insert(f, id.clone());
                }
                by_name.insert(name, id);
                progress.step(Stage::Import, n as u64 + 1, total)?;
            }
            let mut ready = Vec::with_capacity(cases.len());
            for mut c in cases {
                let mut ids: Vec<String> = c
                    .client_ids
                    .iter()
                    .map(|i| new_ids.get(i).cloned().unwrap_or_else(|| i.clone()))
                    .collect();
                for n in &c.client_names {
                    let id = match by_name.get(&n.to_lowercase()) {
                        Some(id) => id.clone(),
                        None => {
                            let id = b.insert_client_doc(
                                None,
                                NewClient {
                                    name: n.clone(),
                                    ..Default::default()
                                },
                                None,
                            )?;
                            by_name.insert(n.to_lowercase(), id.clone());
                            id
                        }
                    };
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                c.doc.client_ids = ids;
                let msg = format!("Imported case {}", c.doc.number);
                ready.push(WholeCase {
                    id: c.id,
                    doc: c.doc,
                    message: msg,
                });
            }
            b.insert_case_docs_with(ready, |n| progress.step(Stage::Import, written + n as u64, total))?;
            Ok(())
        })
    }
}
