//! `report.pdf`: the report page as a PDF for committee papers, made without a browser.
//!
//! The page's HTML is a closed subset that this module writes itself (`h1`–`h3`, `p` with `b`,
//! the answer box, warnings, tables, and figures marked `data-png`), so the PDF is laid out from
//! the same content: text in the embedded DejaVu Sans (TrueType, WinAnsi encoding — Danish letters
//! included), tables as columns, figures as the PNG charts (their compressed pixel data goes into
//! the PDF unchanged, with the PNG predictor). A4 portrait, pages numbered.

use std::path::Path;

use ab_glyph::{Font, FontRef};

use crate::error::ReportError;

fn render(message: String) -> ReportError {
    ReportError::Render {
        what: "writing report.pdf",
        message,
    }
}

const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const PAGE_W: f64 = 595.28;
const PAGE_H: f64 = 841.89;
const MARGIN: f64 = 50.0;
const WIDTH: f64 = PAGE_W - 2.0 * MARGIN;

/// A block of the page.
#[derive(Debug, Clone, PartialEq)]
enum Block {
    Heading(u8, String),
    /// Text runs (text, bold), and the paragraph's style.
    Para(Vec<(String, bool)>, Style),
    Figure(String),
    /// Rows of cells, and per column whether it is left-aligned (text).
    Table(Vec<Vec<String>>, Vec<bool>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Style {
    Body,
    Meta,
    Answer,
    Warn,
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Reads the report's HTML into blocks.
fn parse(html: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut rest = html;
    let mut answer = false;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let Some(end) = rest.find('>') else { break };
        let tag = &rest[1..end];
        let after = &rest[end + 1..];
        let name = tag.split_whitespace().next().unwrap_or("");
        let close = |t: &str| format!("</{t}>");
        match name {
            "style" | "title" | "figure" if !tag.contains("data-png") => {
                let c = close(name);
                rest = after.find(&c).map_or("", |j| &after[j + c.len()..]);
            }
            "figure" => {
                let png = tag
                    .split("data-png=\"")
                    .nth(1)
                    .and_then(|s| s.split('"').next())
                    .unwrap_or("")
                    .to_string();
                out.push(Block::Figure(png));
                rest = after.find("</figure>").map_or("", |j| &after[j + 9..]);
            }
            "h1" | "h2" | "h3" => {
                let c = close(name);
                let j = after.find(&c).unwrap_or(after.len());
                let level = name.as_bytes()[1] - b'0';
                out.push(Block::Heading(level, unescape(&strip(&after[..j]))));
                rest = &after[(j + c.len()).min(after.len())..];
            }
            "div" => {
                answer = tag.contains("answer");
                rest = after;
            }
            "/div" => {
                answer = false;
                rest = after;
            }
            "p" => {
                let j = after.find("</p>").unwrap_or(after.len());
                let style = if tag.contains("meta") {
                    Style::Meta
                } else if tag.contains("warn") {
                    Style::Warn
                } else if answer {
                    Style::Answer
                } else {
                    Style::Body
                };
                out.push(Block::Para(runs(&after[..j]), style));
                rest = &after[(j + 4).min(after.len())..];
            }
            "table" => {
                let j = after.find("</table>").unwrap_or(after.len());
                let mut rows = Vec::new();
                let mut left = Vec::new();
                for (ri, tr) in after[..j].split("<tr>").skip(1).enumerate() {
                    let mut cells = Vec::new();
                    for piece in tr.split('<') {
                        let Some(cell) = piece
                            .strip_prefix("td")
                            .or_else(|| piece.strip_prefix("th"))
                        else {
                            continue;
                        };
                        let Some((attrs, text)) = cell.split_once('>') else {
                            continue;
                        };
                        if ri == 0 {
                            left.push(attrs.contains("class=\"l\""));
                        }
                        cells.push(unescape(text));
                    }
                    rows.push(cells);
                }
                out.push(Block::Table(rows, left));
                rest = &after[(j + 8).min(after.len())..];
            }
            _ => rest = after,
        }
    }
    out
}

/// Text without tags.
fn strip(s: &str) -> String {
    runs(s).into_iter().map(|(t, _)| t).collect()
}

/// Text runs with `<b>` marking bold.
fn runs(s: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut bold = false;
    let mut rest = s;
    loop {
        match rest.find('<') {
            None => {
                if !rest.is_empty() {
                    out.push((unescape(rest), bold));
                }
                break;
            }
            Some(i) => {
                if i > 0 {
                    out.push((unescape(&rest[..i]), bold));
                }
                let end = rest[i..].find('>').map_or(rest.len(), |e| i + e + 1);
                match &rest[i..end] {
                    "<b>" => bold = true,
                    "</b>" => bold = false,
                    _ => {}
                }
                rest = &rest[end..];
            }
        }
    }
    out
}

/// WinAnsi (Windows-1252) code of a character, with a few stand-ins; `None` when it has none.
fn winansi(c: char) -> Option<u8> {
    match c {
        '−' => Some(b'-'),
        '≤' => Some(b'<'),
        '≥' | '→' => Some(b'>'),
        '\n' | '\t' => Some(b' '),
        c if c.is_control() => None,
        c => crate::text::cp1252_byte(c),
    }
}

fn encode(s: &str) -> Vec<u8> {
    s.chars().map(|c| winansi(c).unwrap_or(b'?')).collect()
}

struct Metrics {
    widths: [f64; 256], // per 1000 units of the font size
}

impl Metrics {
    fn new() -> Result<Metrics, ReportError> {
        let font =
            FontRef::try_from_slice(FONT).map_err(|e| render(format!("the embedded font: {e}")))?;
        let upem = font.units_per_em().unwrap_or(2048.0) as f64;
        let mut widths = [0.0; 256];
        for (b, w) in widths.iter_mut().enumerate().skip(32) {
            let id = font.glyph_id(crate::text::cp1252_char(b as u8));
            *w = font.h_advance_unscaled(id) as f64 * 1000.0 / upem;
        }
        Ok(Metrics { widths })
    }

    fn width(&self, s: &[u8], size: f64) -> f64 {
        s.iter().map(|b| self.widths[*b as usize]).sum::<f64>() * size / 1000.0
    }
}

fn pdf_string(bytes: &[u8]) -> String {
    let mut s = String::from("(");
    for b in bytes {
        match b {
            b'(' | b')' | b'\\' => {
                s.push('\\');
                s.push(*b as char);
            }
            32..=126 => s.push(*b as char),
            _ => s += &format!("\\{b:03o}"),
        }
    }
    s + ")"
}

struct Image {
    width: u32,
    height: u32,
    data: Vec<u8>,
}

/// The dimensions and compressed pixel data of an 8-bit RGB, non-interlaced PNG.
fn png(bytes: &[u8]) -> Result<Image, &'static str> {
    if bytes.len() < 33 || &bytes[1..4] != b"PNG" {
        return Err("not a PNG");
    }
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    let (width, height) = (be(&bytes[16..20]), be(&bytes[20..24]));
    if bytes[24] != 8 || bytes[25] != 2 || bytes[28] != 0 {
        return Err("the chart PNG is not 8-bit RGB without interlacing");
    }
    let mut data = Vec::new();
    let mut at = 8;
    while at + 8 <= bytes.len() {
        let len = be(&bytes[at..at + 4]) as usize;
        let kind = &bytes[at + 4..at + 8];
        let body = bytes
            .get(at + 8..at + 8 + len)
            .ok_or("a truncated PNG chunk")?;
        if kind == b"IDAT" {
            data.extend_from_slice(body);
        }
        at += 12 + len;
    }
    Ok(Image {
        width,
        height,
        data,
    })
}

struct Writer<'a> {
    m: &'a Metrics,
    pages: Vec<String>,
    page: String,
    y: f64,
    images: Vec<Image>,
    footer: String,
}

impl Writer<'_> {
    fn new_page(&mut self) {
        if !self.page.is_empty() {
            let p = std::mem::take(&mut self.page);
            self.pages.push(p);
        }
        self.y = PAGE_H - MARGIN;
    }

    fn need(&mut self, h: f64) {
        if self.y - h < MARGIN {
            self.new_page();
        }
    }

    fn text(&mut self, x: f64, y: f64, size: f64, bytes: &[u8], bold: bool, grey: bool) {
        let color = if grey { "0.4 g" } else { "0 g" };
        let mode = if bold { "2 Tr 0.35 w 0 G" } else { "0 Tr" };
        self.page += &format!(
            "BT {color} {mode} /F1 {size:.1} Tf {x:.2} {y:.2} Td {} Tj ET\n",
            pdf_string(bytes)
        );
    }

    /// Wrapped text runs from `x` within `width`.
    fn para(&mut self, runs: &[(String, bool)], size: f64, x: f64, width: f64, grey: bool) {
        let line_h = size * 1.4;
        // words with their bold flag
        let mut words: Vec<(Vec<u8>, bool)> = Vec::new();
        for (t, b) in runs {
            for w in t.split_whitespace() {
                words.push((encode(w), *b));
            }
        }
        let space = self.m.width(b" ", size);
        let mut line: Vec<(Vec<u8>, bool)> = Vec::new();
        let mut used = 0.0;
        let flush = |me: &mut Self, line: &mut Vec<(Vec<u8>, bool)>| {
            me.need(line_h);
            me.y -= line_h;
            let mut cx = x;
            for (w, b) in line.iter() {
                me.text(cx, me.y, size, w, *b, grey);
                cx += me.m.width(w, size) + space;
            }
            line.clear();
        };
        for (w, b) in words {
            let ww = self.m.width(&w, size);
            if !line.is_empty() && used + space + ww > width {
                flush(self, &mut line);
                used = 0.0;
            }
            used += if line.is_empty() { ww } else { space + ww };
            line.push((w, b));
        }
        if !line.is_empty() {
            flush(self, &mut line);
        }
    }

    /// The lines of one cell wrapped to `width` at spaces (a word longer than the width is
    /// broken where it must be): long cells wrap instead of being cut.
    fn wrap(&self, cell: &[u8], size: f64, width: f64) -> Vec<Vec<u8>> {
        let mut lines: Vec<Vec<u8>> = Vec::new();
        let mut line: Vec<u8> = Vec::new();
        for word in cell.split(|b| *b == b' ').filter(|w| !w.is_empty()) {
            let mut candidate = line.clone();
            if !candidate.is_empty() {
                candidate.push(b' ');
            }
            candidate.extend_from_slice(word);
            if line.is_empty() || self.m.width(&candidate, size) <= width {
                line = candidate;
            } else {
                lines.push(std::mem::take(&mut line));
                line = word.to_vec();
            }
            while line.len() > 1 && self.m.width(&line, size) > width {
                let mut cut = line.len() - 1;
                while cut > 1 && self.m.width(&line[..cut], size) > width {
                    cut -= 1;
                }
                let rest = line.split_off(cut);
                lines.push(std::mem::replace(&mut line, rest));
            }
        }
        lines.push(line);
        lines
    }

    /// Column widths: each column as wide as its widest cell; when they do not fit the page, the
    /// columns narrower than an even share keep their width and the wide ones share the rest in
    /// proportion (their cells wrap).
    fn column_widths(natural: &[f64]) -> Vec<f64> {
        let total: f64 = natural.iter().sum();
        if total <= WIDTH {
            return natural.to_vec();
        }
        let share = WIDTH / natural.len() as f64;
        let narrow: f64 = natural.iter().filter(|w| **w <= share).sum();
        let wide: f64 = natural.iter().filter(|w| **w > share).sum();
        natural
            .iter()
            .map(|w| {
                if *w <= share {
                    *w
                } else {
                    w * (WIDTH - narrow) / wide
                }
            })
            .collect()
    }

    fn table(&mut self, rows: &[Vec<String>], left: &[bool]) {
        let size = 8.0;
        let line_h = size * 1.45;
        let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
        if cols == 0 {
            return;
        }
        let enc: Vec<Vec<Vec<u8>>> = rows
            .iter()
            .map(|r| r.iter().map(|c| encode(c)).collect())
            .collect();
        let mut natural = vec![0.0f64; cols];
        for r in &enc {
            for (i, c) in r.iter().enumerate() {
                natural[i] = natural[i].max(self.m.width(c, size) + 10.0);
            }
        }
        let widths = Self::column_widths(&natural);
        for (ri, r) in enc.iter().enumerate() {
            let cells: Vec<Vec<Vec<u8>>> = r
                .iter()
                .enumerate()
                .map(|(i, c)| self.wrap(c, size, widths[i] - 8.0))
                .collect();
            let n_lines = cells.iter().map(Vec::len).max().unwrap_or(1);
            // a row is not split over two pages; the header keeps its first row with it
            let keep = if ri == 0 { 2 * n_lines } else { n_lines };
            self.need(line_h * keep as f64);
            for l in 0..n_lines {
                self.y -= line_h;
                let mut x = MARGIN;
                for (i, lines) in cells.iter().enumerate() {
                    if let Some(c) = lines.get(l) {
                        let tw = self.m.width(c, size);
                        let flush_left = i == 0 || left.get(i).copied().unwrap_or(false);
                        let cx = if flush_left {
                            x
                        } else {
                            x + widths[i] - tw - 4.0
                        };
                        self.text(cx, self.y, size, c, ri == 0, false);
                    }
                    x += widths[i];
                }
            }

            if ri == 0 {
                self.page += &format!(
                    "0.6 G 0.5 w {:.2} {:.2} m {:.2} {:.2} l S\n",
                    MARGIN,
                    self.y - 3.0,
                    MARGIN + widths.iter().sum::<f64>(),
                    self.y - 3.0
                );
            }
        }
        self.y -= 6.0;
    }

    /// A heading, kept with the start of the block after it (never alone at the foot of a
    /// page).
    fn heading(&mut self, level: u8, text: String, next: Option<&Block>) {
        let size = match level {
            1 => 18.0,
            2 => 14.0,
            _ => 11.5,
        };
        self.need(size * 3.0 + next.map_or(0.0, start_height));
        self.y -= size * 0.6;
        self.para(&[(text, true)], size, MARGIN, WIDTH, false);
        self.y -= size * 0.3;
    }

    fn figure(&mut self, img: Image) {
        let w = WIDTH;
        let h = w * img.height as f64 / img.width.max(1) as f64;
        self.need(h + 8.0);
        self.y -= h + 4.0;
        let n = self.images.len();
        self.page += &format!(
            "q {w:.2} 0 0 {h:.2} {MARGIN:.2} {:.2} cm /Im{n} Do Q\n",
            self.y
        );
        self.images.push(img);
        self.y -= 6.0;
    }
}

/// The height the start of a block needs on the page it begins: a whole figure, a table's header
/// and first row, two lines of a paragraph.
fn start_height(b: &Block) -> f64 {
    match b {
        Block::Figure(_) => {
            let (w, h) = super::charts::SIZE;
            WIDTH * f64::from(h) / f64::from(w) + 14.0
        }
        Block::Table(..) => 8.0 * 1.45 * 2.0,
        Block::Para(..) => 10.0 * 1.4 * 2.0,
        Block::Heading(..) => 0.0,
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

/// Lays out the report's HTML as a PDF; figures are read from `charts/<name>.png`.
pub fn from_html(html: &str, charts: &Path, footer: &str) -> Result<Vec<u8>, ReportError> {
    let m = Metrics::new()?;
    let mut w = Writer {
        m: &m,
        pages: Vec::new(),
        page: String::new(),
        y: PAGE_H - MARGIN,
        images: Vec::new(),
        footer: footer.to_string(),
    };
    let blocks = parse(html);
    for (at, block) in blocks.iter().cloned().enumerate() {
        match block {
            Block::Heading(level, text) => w.heading(level, text, blocks.get(at + 1)),
            Block::Para(runs, style) => {
                let (size, x, grey) = match style {
                    Style::Meta => (8.0, MARGIN, true),
                    Style::Answer | Style::Warn => (10.0, MARGIN + 10.0, false),
                    Style::Body => (9.5, MARGIN, false),
                };
                let top = w.y;
                w.para(&runs, size, x, WIDTH - (x - MARGIN), grey);
                if matches!(style, Style::Answer | Style::Warn) && w.y < top {
                    let color = if style == Style::Answer {
                        "0.12 0.35 0.63 RG"
                    } else {
                        "0.86 0.47 0.12 RG"
                    };
                    w.page += &format!(
                        "{color} 3 w {:.2} {:.2} m {:.2} {:.2} l S\n",
                        MARGIN + 3.0,
                        top,
                        MARGIN + 3.0,
                        w.y - 3.0
                    );
                }
                w.y -= 4.0;
            }
            Block::Table(rows, left) => w.table(&rows, &left),
            Block::Figure(name) => {
                let path = charts.join(format!("{name}.png"));
                let bytes = std::fs::read(&path).map_err(|source| ReportError::Io {
                    what: "reading",
                    path: path.clone(),
                    source,
                })?;
                w.figure(png(&bytes).map_err(|e| render(format!("{}: {e}", path.display())))?);
            }
        }
    }
    w.new_page();
    if !w.page.is_empty() {
        let p = std::mem::take(&mut w.page);
        w.pages.push(p);
    }
    write(&w, &m)
}

fn write(w: &Writer, m: &Metrics) -> Result<Vec<u8>, ReportError> {
    // objects: 1 catalog, 2 pages, 3 font, 4 descriptor, 5 font file, images, then per page
    // its content and the page
    let n_img = w.images.len();
    let first_page = 6 + n_img;
    let n_pages = w.pages.len();
    let mut objects: Vec<Vec<u8>> = Vec::new();
    let kids: Vec<String> = (0..n_pages)
        .map(|i| format!("{} 0 R", first_page + 2 * i + 1))
        .collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {n_pages} >>",
            kids.join(" ")
        )
        .into_bytes(),
    );
    let widths: Vec<String> = (32..=255).map(|b| format!("{:.0}", m.widths[b])).collect();
    objects.push(
        format!(
            "<< /Type /Font /Subtype /TrueType /BaseFont /DejaVuSans /FirstChar 32 /LastChar 255 /Widths [{}] /FontDescriptor 4 0 R /Encoding /WinAnsiEncoding >>",
            widths.join(" ")
        )
        .into_bytes(),
    );
    objects.push(b"<< /Type /FontDescriptor /FontName /DejaVuSans /Flags 32 /FontBBox [-1021 -463 1793 1232] /ItalicAngle 0 /Ascent 928 /Descent -236 /CapHeight 729 /StemV 80 /FontFile2 5 0 R >>".to_vec());
    let font = deflate(FONT);
    let mut f = format!(
        "<< /Length {} /Length1 {} /Filter /FlateDecode >>\nstream\n",
        font.len(),
        FONT.len()
    )
    .into_bytes();
    f.extend_from_slice(&font);
    f.extend_from_slice(b"\nendstream");
    objects.push(f);
    for img in &w.images {
        let mut o = format!(
            "<< /Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors 3 /BitsPerComponent 8 /Columns {} >> /Length {} >>\nstream\n",
            img.width,
            img.height,
            img.width,
            img.data.len()
        )
        .into_bytes();
        o.extend_from_slice(&img.data);
        o.extend_from_slice(b"\nendstream");
        objects.push(o);
    }
    let xobjects: String = (0..n_img)
        .map(|i| format!("/Im{i} {} 0 R ", 6 + i))
        .collect();
    for (i, content) in w.pages.iter().enumerate() {
        let footer = format!(
            "BT 0.4 g 0 Tr /F1 7.5 Tf {MARGIN:.2} 25 Td {} Tj ET\n",
            pdf_string(&encode(&format!("{} · {}/{}", w.footer, i + 1, n_pages)))
        );
        let body = deflate((content.clone() + &footer).as_bytes());
        let mut c = format!(
            "<< /Length {} /Filter /FlateDecode >>\nstream\n",
            body.len()
        )
        .into_bytes();
        c.extend_from_slice(&body);
        c.extend_from_slice(b"\nendstream");
        objects.push(c);
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] /Resources << /Font << /F1 3 0 R >> /XObject << {xobjects}>> >> /Contents {} 0 R >>",
                first_page + 2 * i
            )
            .into_bytes(),
        );
    }
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_report_html_subset() {
        let html = "<html><head><title>x</title><style>p{}</style></head><body><h1>Titel &amp; mere</h1>\
            <div class=\"answer\"><p><b>CTI</b> er bedst</p></div><p class=\"warn\">OBS</p>\
            <figure data-png=\"net_cti\"><svg>…</svg></figure>\
            <table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td>2 &lt; 3</td></tr></tbody></table></body></html>";
        let b = parse(html);
        assert_eq!(b[0], Block::Heading(1, "Titel & mere".into()));
        assert_eq!(
            b[1],
            Block::Para(
                vec![("CTI".into(), true), (" er bedst".into(), false)],
                Style::Answer
            )
        );
        assert_eq!(b[2], Block::Para(vec![("OBS".into(), false)], Style::Warn));
        assert_eq!(b[3], Block::Figure("net_cti".into()));
        assert_eq!(
            b[4],
            Block::Table(
                vec![
                    vec!["A".into(), "B".into()],
                    vec!["1".into(), "2 < 3".into()]
                ],
                vec![false, false]
            )
        );
    }

    fn writer(m: &Metrics) -> Writer<'_> {
        Writer {
            m,
            pages: Vec::new(),
            page: String::new(),
            y: PAGE_H - MARGIN,
            images: Vec::new(),
            footer: String::new(),
        }
    }

    #[test]
    fn long_cells_wrap_instead_of_being_cut() {
        let m = Metrics::new().expect("font");
        let w = writer(&m);
        let cell = encode(
            "seed 002 (Anden viden), price year not stated: 2020 assumed, the year of the course",
        );
        let lines = w.wrap(&cell, 8.0, 120.0);
        assert!(lines.len() > 1, "wrapped: {lines:?}");
        assert!(lines.iter().all(|l| m.width(l, 8.0) <= 120.0));
        let joined: Vec<u8> = lines.join(&b' ');
        assert_eq!(joined, cell, "no word lost");
        // a word longer than the column is broken, not dropped
        let long = w.wrap(
            &encode("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            8.0,
            40.0,
        );
        assert!(long.len() > 1 && long.concat().len() == 40);
        // wide columns share what the narrow ones leave; narrow ones keep their width
        let cols = Writer::column_widths(&[40.0, 400.0, 300.0]);
        assert_eq!(cols[0], 40.0);
        assert!((cols.iter().sum::<f64>() - WIDTH).abs() < 1e-9);
        assert!((cols[1] / cols[2] - 4.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn a_heading_is_kept_with_the_figure_after_it() {
        // a page of paragraphs, then a heading and a figure near the foot: both go on page 2
        let mut html = String::new();
        for _ in 0..44 {
            html += "<p>Linje med tekst.</p>";
        }
        html += "<h3>Følsomhed</h3><figure data-png=\"x\"></figure>";
        let blocks = parse(&html);
        let m = Metrics::new().expect("font");
        let mut w = writer(&m);
        let mut heading_page = None;
        for (at, b) in blocks.iter().enumerate() {
            match b {
                Block::Para(runs, _) => w.para(runs, 9.5, MARGIN, WIDTH, false),
                Block::Heading(level, t) => {
                    w.heading(*level, t.clone(), blocks.get(at + 1));
                    heading_page = Some(w.pages.len());
                }
                _ => {}
            }
        }
        let fig = start_height(&Block::Figure("x".into()));
        assert!(w.y >= MARGIN + fig, "room for the figure under the heading");
        assert_eq!(
            heading_page,
            Some(1),
            "the heading moved to the second page"
        );
    }

    #[test]
    fn danish_letters_are_winansi_and_strings_are_escaped() {
        assert_eq!(
            encode("æøå ÆØÅ –"),
            vec![230, 248, 229, 32, 198, 216, 197, 32, 0x96]
        );
        assert_eq!(pdf_string(b"a(b)\\\xe6"), "(a\\(b\\)\\\\\\346)");
        let m = Metrics::new().unwrap();
        assert!(m.widths[b'W' as usize] > m.widths[b'i' as usize]);
        assert!(m.widths[230] > 0.0);
    }
}
