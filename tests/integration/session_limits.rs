//! What one session may cost the server, whatever its client chooses:
//! every console on a server runs as the one service account, so a
//! client's window size or typing must not decide the memory or the time
//! its session takes from everyone else's.

/// The most a console may hold resident, in KiB, at any window size.
const MOST_RESIDENT_KIB: u64 = 30 * 1024;

#[test]
fn a_huge_window_is_told_so_and_costs_what_a_normal_one_does() {
    let home = tempfile::tempdir().expect("dir");
    let (mut console, _db) = crate::pty::olivia_on_a_shared_demo(home.path());
    console.wait_for("olivia (Owner)");
    let normal = console.resident_kib();
    let huge = [(2000, 2000), (5000, 5000), (u16::MAX, u16::MAX)];
    // The huge sizes, then the largest drawn in full, then the huge again.
    for (cols, rows) in huge.into_iter().chain([(500, 200)]).chain(huge) {
        console.resize(cols, rows);
        if (cols, rows) == (500, 200) {
            console.wait_for_bottom_row();
            console.wait_for("olivia (Owner)");
        } else {
            console.wait_for(&format!("Window too large ({cols}×{rows})"));
            // Keys still cost what they cost in a small window.
            console.keys("jjkk");
            console.wait_for("Window too large");
        }
        let resident = console.resident_kib();
        assert!(resident < MOST_RESIDENT_KIB, "{cols}×{rows}: {resident} KiB resident (at 100×30: {normal} KiB)");
    }
    // Back to a real size: the console is as it was.
    console.resize(100, 30);
    console.wait_for("olivia (Owner)");
    console.wait_gone("Window too large");
    console.keys("q");
    console.wait_exit();
}

#[test]
fn a_flood_of_keys_waits_for_the_console_instead_of_filling_its_memory() {
    let home = tempfile::tempdir().expect("dir");
    let (mut console, _db) = crate::pty::olivia_on_a_shared_demo(home.path());
    console.wait_for("olivia (Owner)");
    // A paste of 256 KiB into the filter: at most a field's length is kept.
    console.keys("/");
    let flood = "x".repeat(256 * 1024);
    console.keys_within(&flood, std::time::Duration::from_secs(10));
    let resident = console.resident_kib();
    assert!(resident < MOST_RESIDENT_KIB, "after a 256 KiB paste: {resident} KiB resident");
    console.keys("\u{1b}");
    console.wait_gone("xxxxxxxxxx");
    console.keys("q");
    console.wait_for_exit(std::time::Duration::from_secs(15));
}
