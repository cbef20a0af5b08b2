//! A full disk: the diary on a small tmpfs (mounted by the test in a private
//! mount namespace, `unshare --mount --map-root-user`, so no root is needed and
//! nothing outside the test sees it), nearly filled by another file; the real
//! `nextdate` binary adds clients until the disk is full. The failing write
//! says so plainly ("the disk is full: nothing was saved…"), every client
//! acknowledged before it is intact in a fresh process, and once space is
//! freed the same write goes through.

mod support;

use std::process::Command;

use serde_json::Value;
use support::*;

/// Runs inside the namespace: mount, fill, write until full, then report.
const SCRIPT: &str = r#"
set -u
mount -t tmpfs -o size=6m tmpfs "$MNT"
D="$MNT/diary"
"$BIN" --diary "$D" --json init --passphrase --name "Full Disk Chambers" >/dev/null || exit 90
# Leave about 400 KiB free: a few dozen writes fill it.
avail=$(df --output=avail -B1 "$MNT" | tail -1)
head -c $((avail - 400 * 1024)) /dev/zero > "$MNT/filler" 2>/dev/null
i=0
while [ $i -lt 400 ]; do
  if out=$("$BIN" --diary "$D" --json client add --name "Client number $i" 2>"$MNT.err"); then
    echo "ACK $(echo "$out" | tr -d '\n')"
  else
    echo "FAILED $(tr -d '\n' < "$MNT.err")"
    break
  fi
  i=$((i + 1))
done
echo "LIST $("$BIN" --diary "$D" --json client list | tr -d '\n')"
rm -f "$MNT/filler"
if out=$("$BIN" --diary "$D" --json client add --name "After freeing space" 2>"$MNT.err"); then
  echo "AFTER $(echo "$out" | tr -d '\n')"
else
  echo "AFTER-FAILED $(tr -d '\n' < "$MNT.err")"
fi
echo "CHECK $("$BIN" --diary "$D" --json check | tr -d '\n')"
"#;

#[test]
fn a_full_disk_refuses_the_write_plainly_and_keeps_every_acknowledged_record() {
    let tmp = tempfile::tempdir().unwrap();
    let mnt = tmp.path().join("small-disk");
    std::fs::create_dir(&mnt).unwrap();
    let out = Command::new("unshare")
        .args(["--mount", "--map-root-user", "sh", "-c", SCRIPT])
        .env("MNT", &mnt)
        .env("BIN", bin())
        .env("NEXTDATE_PASSPHRASE", PASSPHRASE)
        .output()
        .expect("unshare (util-linux) runs");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "the script failed ({:?}): {stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );

    let mut acked = Vec::new();
    let mut failure = None;
    let mut listed = None;
    let mut after = None;
    let mut check = None;
    for line in stdout.lines() {
        let (tag, rest) = line.split_once(' ').unwrap_or((line, ""));
        match tag {
            "ACK" => acked.push(
                serde_json::from_str::<Value>(rest).unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            ),
            "FAILED" => failure = Some(serde_json::from_str::<Value>(rest).expect("a --json error")),
            "LIST" => listed = Some(serde_json::from_str::<Value>(rest).unwrap()),
            "AFTER" => after = Some(rest.to_string()),
            "AFTER-FAILED" => panic!("after freeing space the write still failed: {rest}"),
            "CHECK" => check = Some(serde_json::from_str::<Value>(rest).unwrap()),
            _ => {}
        }
    }
    assert!(
        acked.len() >= 2,
        "some writes went through before the disk filled: {stdout}"
    );
    let failure = failure.expect("the disk filled up");
    assert_eq!(failure["error"]["code"], "disk_full", "{failure}");
    assert_eq!(
        failure["error"]["message"],
        "the disk is full: nothing was saved; free some space and try again"
    );
    let listed = listed.unwrap();
    let ids: Vec<&str> = listed
        .as_array()
        .expect("a list of clients")
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    for id in &acked {
        assert!(
            ids.contains(&id.as_str()),
            "acknowledged client {id} is missing after the full disk"
        );
    }
    assert_eq!(ids.len(), acked.len(), "the refused write left nothing behind");
    assert!(after.is_some());
    let check = check.unwrap();
    assert!(check["problems"].as_array().unwrap().is_empty(), "{check}");
}
