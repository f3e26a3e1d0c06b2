//! A zip archive of one file, stored (not compressed): what the demo's
//! versions hold, so that every package mpdesk keeps is a real archive
//! (`unzip -l` lists it).

/// `content` as the only file `name` of a zip archive, dated 1980-01-01
/// so the same input gives the same bytes.
pub fn stored_zip(name: &str, content: &[u8]) -> Vec<u8> {
    let crc = crc32(content);
    let size = content.len() as u32;
    let name_len = name.len() as u16;
    // version needed 2.0, UTF-8 name, stored, 00:00 on 1980-01-01.
    let common = |out: &mut Vec<u8>| {
        for half in [20u16, 0x0800, 0, 0, 0x0021] {
            out.extend_from_slice(&half.to_le_bytes());
        }
        for word in [crc, size, size] {
            out.extend_from_slice(&word.to_le_bytes());
        }
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
    };
    let mut out = Vec::with_capacity(content.len() + 2 * name.len() + 100);
    out.extend_from_slice(b"PK\x03\x04");
    common(&mut out);
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(content);
    let directory_at = out.len() as u32;
    out.extend_from_slice(b"PK\x01\x02");
    out.extend_from_slice(&20u16.to_le_bytes());
    common(&mut out);
    // No comment, disk 0, no attributes, the local header at 0.
    for half in [0u16, 0, 0] {
        out.extend_from_slice(&half.to_le_bytes());
    }
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(name.as_bytes());
    let directory_len = out.len() as u32 - directory_at;
    out.extend_from_slice(b"PK\x05\x06");
    for half in [0u16, 0, 1, 1] {
        out.extend_from_slice(&half.to_le_bytes());
    }
    out.extend_from_slice(&directory_len.to_le_bytes());
    out.extend_from_slice(&directory_at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// CRC-32 (IEEE 802.3, the zip one), bit by bit: demo packages are a few
/// KiB, made once.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checksum_is_the_zip_one() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn the_archive_ends_with_a_directory_that_points_back_to_its_file() {
        let zip = stored_zip("app.json", b"{}");
        assert!(zip.starts_with(b"PK\x03\x04"));
        let end = &zip[zip.len() - 22..];
        assert!(end.starts_with(b"PK\x05\x06"));
        let at = u32::from_le_bytes([end[16], end[17], end[18], end[19]]) as usize;
        assert!(zip[at..].starts_with(b"PK\x01\x02"));
        assert_eq!(&zip[30..38], b"app.json");
        assert_eq!(&zip[38..40], b"{}");
    }
}
