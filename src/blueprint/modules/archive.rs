//! Module archives: recognising them (by the URL's extension or `?archive=`, as go-getter does)
//! and unpacking them into a module folder without letting any entry escape it.

use std::io::Cursor;
use std::path::Path;

/// An archive format infractl unpacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.tar.gz`, `.tgz`.
    TarGz,
    /// `.tar`.
    Tar,
    /// `.zip`.
    Zip,
}

/// go-getter's archive names: those infractl unpacks and those it refuses by name.
const SUPPORTED: &[(&str, Format)] = &[
    ("tar.gz", Format::TarGz),
    ("tgz", Format::TarGz),
    ("tar", Format::Tar),
    ("zip", Format::Zip),
];
const REFUSED: &[&str] = &[
    "tar.bz2", "tbz2", "tar.xz", "txz", "tar.zst", "tzst", "bz2", "gz", "xz", "zst",
];

/// The format an archive name (`tar.gz`, as in `?archive=tar.gz`) stands for.
pub fn by_name(name: &str) -> Result<Format, String> {
    let name = name.to_ascii_lowercase();
    if let Some((_, f)) = SUPPORTED.iter().find(|(n, _)| *n == name) {
        return Ok(*f);
    }
    if REFUSED.contains(&name.as_str()) {
        return Err(format!(
            "{name} archives are not supported; publish the module as .tar.gz, .tgz, .tar or .zip (or in git)"
        ));
    }
    Err(format!("unknown archive format \"{name}\""))
}

/// The archive format a URL path ends with (the longest matching extension), if any.
pub fn by_path(path: &str) -> Option<Result<Format, String>> {
    let lower = path.to_ascii_lowercase();
    SUPPORTED
        .iter()
        .map(|(n, _)| *n)
        .chain(REFUSED.iter().copied())
        .filter(|n| lower.ends_with(&format!(".{n}")))
        .max_by_key(|n| n.len())
        .map(by_name)
}

/// Unpacks `bytes` into `dst` (created if missing).
pub fn extract(format: Format, bytes: &[u8], dst: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dst).map_err(|e| format!("cannot create {}: {e}", dst.display()))?;
    match format {
        Format::TarGz => untar(flate2::read::GzDecoder::new(bytes), dst),
        Format::Tar => untar(bytes, dst),
        Format::Zip => zip::ZipArchive::new(Cursor::new(bytes))
            .and_then(|mut z| z.extract(dst))
            .map_err(|e| format!("cannot unpack the zip archive: {e}")),
    }
}

fn untar(reader: impl std::io::Read, dst: &Path) -> Result<(), String> {
    let mut archive = tar::Archive::new(reader);
    archive.set_overwrite(true);
    // `unpack` refuses entries that would land outside `dst` (absolute paths, `..`, links).
    archive
        .unpack(dst)
        .map_err(|e| format!("cannot unpack the tar archive: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn recognises_archives_like_go_getter() {
        assert_eq!(by_path("/m/x.tar.gz"), Some(Ok(Format::TarGz)));
        assert_eq!(by_path("/m/x.TGZ"), Some(Ok(Format::TarGz)));
        assert_eq!(by_path("/m/x.zip"), Some(Ok(Format::Zip)));
        assert_eq!(by_path("/m/x.tar"), Some(Ok(Format::Tar)));
        assert!(by_path("/m/x.tar.xz").unwrap().unwrap_err().contains("not supported"));
        assert_eq!(by_path("/m/download"), None);
        assert_eq!(by_name("zip"), Ok(Format::Zip));
    }

    #[test]
    fn unpacks_zip_and_tar_gz() {
        let mut zipped = Vec::new();
        {
            let mut w = zip::ZipWriter::new(Cursor::new(&mut zipped));
            w.start_file("mod/main.tf", zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(b"output \"x\" { value = 1 }\n").unwrap();
            w.finish().unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        extract(Format::Zip, &zipped, &dir.path().join("z")).unwrap();
        assert!(std::fs::read_to_string(dir.path().join("z/mod/main.tf"))
            .unwrap()
            .contains("output"));

        let mut tarred = Vec::new();
        {
            let gz = flate2::write::GzEncoder::new(&mut tarred, flate2::Compression::default());
            let mut b = tar::Builder::new(gz);
            let data = b"variable \"v\" {}\n";
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, "sub/vars.tf", &data[..]).unwrap();
            b.into_inner().unwrap().finish().unwrap();
        }
        extract(Format::TarGz, &tarred, &dir.path().join("t")).unwrap();
        assert!(dir.path().join("t/sub/vars.tf").is_file());
        assert!(extract(Format::TarGz, b"not gzip", &dir.path().join("bad")).is_err());
    }
}
