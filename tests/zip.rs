//! The bundle's zip writer against the outside tools: Info-ZIP's `unzip -t` and Python's zipfile.

use crate::util::{TestEnv, tool};

#[test]
fn our_zip_is_read_by_unzip_and_python() {
    let env = TestEnv::new();
    let big = env.path().join("big.bin");
    let data: Vec<u8> = (0..3_000_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    std::fs::write(&big, &data).unwrap();
    let out = env.path().join("t.zip");
    let mut w = handover::bundle::zipstream::Writer::new(std::fs::File::create(&out).unwrap());
    let a =
        w.add_bytes("bag/data/minutes.txt", "Minutes of the steering group.\n".repeat(1000).as_bytes(), true).unwrap();
    let b = w.add_file("bag/data/video.bin", &big).unwrap();
    w.add_bytes("bag/bagit.txt", b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", true).unwrap();
    w.finish().unwrap();
    assert_eq!(a.size, 31_000);
    assert_eq!(b.size, 3_000_000);
    let t = tool("unzip").arg("-t").arg(&out).output().unwrap();
    assert!(
        t.status.success(),
        "unzip -t: {}{}",
        String::from_utf8_lossy(&t.stdout),
        String::from_utf8_lossy(&t.stderr)
    );
    let py = tool("python3")
        .arg("-c")
        .arg("import sys, zipfile, hashlib\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint(hashlib.sha256(z.read('bag/data/video.bin')).hexdigest())")
        .arg(&out)
        .output()
        .unwrap();
    assert!(py.status.success(), "{}", String::from_utf8_lossy(&py.stderr));
    assert_eq!(String::from_utf8_lossy(&py.stdout).trim(), b.sha256);
    // And our streaming reader reads what it wrote.
    let bytes = std::fs::read(&out).unwrap();
    let mut r = handover::bundle::zipstream::Reader::new(&bytes[..], Default::default());
    let mut n = 0;
    while r.next(|_, _| Ok(())).unwrap().is_some() {
        n += 1;
    }
    assert_eq!(n, 3);
}

#[test]
fn zips_made_by_other_tools_with_data_descriptors_or_traversal_are_refused() {
    let env = TestEnv::new();
    // Info-ZIP zipping standard input into standard output cannot seek: it writes a data descriptor.
    let mut child = tool("zip")
        .args(["-q", "-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"hello").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    std::fs::write(env.path().join("dd.zip"), &out.stdout).unwrap();
    let bytes = std::fs::read(env.path().join("dd.zip")).unwrap();
    let mut r = handover::bundle::zipstream::Reader::new(&bytes[..], Default::default());
    let err = r.next(|_, _| Ok(())).unwrap_err();
    assert!(err.0.contains("data descriptor"), "{}", err.0);
    // A name with .. made by hand.
    let mut w = handover::bundle::zipstream::Writer::new(Vec::new());
    w.add_bytes("bag/data/ok.txt", b"x", false).unwrap();
    let mut z = w.finish().unwrap();
    let pos = z.windows(6).position(|w| w == b"bag/da").unwrap();
    z[pos..pos + 6].copy_from_slice(b"../../");
    let mut r = handover::bundle::zipstream::Reader::new(&z[..], Default::default());
    assert!(r.next(|_, _| Ok(())).is_err());
}
