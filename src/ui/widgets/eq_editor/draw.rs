//! The EQ editor's drawing: grid and labels, the live spectrum, the curves' paths and the
//! hovered band's readout.

use super::*;

pub(super) fn points(db: &[f32], area: Rectangle) -> impl Iterator<Item = Point> + '_ {
    let step = area.width / (db.len().max(2) - 1) as f32;
    db.iter()
        .enumerate()
        .map(move |(i, &v)| Point::new(area.x + i as f32 * step, y_of(v, area)))
}

pub(super) fn curve_path(db: &[f32], area: Rectangle) -> Path {
    Path::new(|p| {
        let mut it = points(db, area);
        if let Some(q) = it.next() {
            p.move_to(q);
        }
        it.for_each(|q| p.line_to(q));
    })
}

pub(super) fn label(
    f: &mut Frame,
    s: String,
    at: Point,
    align_x: alignment::Horizontal,
    color: Color,
) {
    fill_text(
        f,
        Text {
            content: s,
            position: at,
            color,
            size: 9.0.into(),
            align_x: align_x.into(),
            align_y: alignment::Vertical::Center,
            ..Text::default()
        },
    );
}

/// Frequencies with a grid line; those with a label.
const GRID_HZ: [f32; 28] = [
    20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0, 200.0, 300.0, 400.0, 500.0, 600.0,
    700.0, 800.0, 900.0, 1000.0, 2000.0, 3000.0, 4000.0, 5000.0, 6000.0, 7000.0, 8000.0, 9000.0,
    10_000.0, 20_000.0,
];
const LABEL_HZ: [(f32, &str); 10] = [
    (20.0, "20"),
    (50.0, "50"),
    (100.0, "100"),
    (200.0, "200"),
    (500.0, "500"),
    (1000.0, "1k"),
    (2000.0, "2k"),
    (5000.0, "5k"),
    (10_000.0, "10k"),
    (20_000.0, "20k"),
];

pub(super) fn draw_grid(f: &mut Frame, size: Size, area: Rectangle) {
    f.fill(
        &Path::rounded_rectangle(Point::ORIGIN, size, 3.0.into()),
        theme::WELL_BG,
    );
    let minor = Stroke::default()
        .with_color(theme::fade(theme::GRID, 0.45))
        .with_width(1.0);
    let major = Stroke::default().with_color(theme::GRID).with_width(1.0);
    let (top, bottom) = (area.y, area.y + area.height);
    for hz in GRID_HZ {
        let x = x_of(hz, area).round() + 0.5;
        let decade = [100.0, 1000.0, 10_000.0].contains(&hz);
        f.stroke(
            &Path::line(Point::new(x, top), Point::new(x, bottom)),
            if decade { major } else { minor },
        );
    }
    for (hz, s) in LABEL_HZ {
        let x = x_of(hz, area);
        let align = if hz <= EQ_MIN_HZ {
            alignment::Horizontal::Left
        } else if hz >= EQ_MAX_HZ {
            alignment::Horizontal::Right
        } else {
            alignment::Horizontal::Center
        };
        label(
            f,
            s.into(),
            Point::new(x, bottom + BOTTOM / 2.0),
            align,
            theme::TEXT_DIM,
        );
    }
    for db in [-18.0f32, -12.0, -6.0, 0.0, 6.0, 12.0, 18.0] {
        let y = y_of(db, area).round() + 0.5;
        f.stroke(
            &Path::line(Point::new(area.x, y), Point::new(area.x + area.width, y)),
            if db == 0.0 { major } else { minor },
        );
        let s = if db > 0.0 {
            format!("+{db:.0}")
        } else {
            format!("{db:.0}")
        };
        label(
            f,
            s,
            Point::new(area.x - 4.0, y),
            alignment::Horizontal::Right,
            theme::TEXT_DIM,
        );
    }
    // The spectrum's own scale (dBFS), right of the plot.
    let spec_y = |db: f32| area.y + area.height * (db / SPECTRUM_FLOOR_DB);
    for db in [0.0f32, -30.0, -60.0, -90.0] {
        label(
            f,
            format!("{db:.0}"),
            Point::new(
                area.x + area.width + 4.0,
                spec_y(db).clamp(top + 4.0, bottom - 4.0),
            ),
            alignment::Horizontal::Left,
            theme::fade(theme::TEXT_DIM, 0.7),
        );
    }
    label(
        f,
        "dBFS".into(),
        Point::new(area.x + area.width + 4.0, spec_y(-15.0)),
        alignment::Horizontal::Left,
        theme::fade(theme::TEXT_DIM, 0.5),
    );
    f.stroke(
        &Path::rectangle(Point::new(area.x, area.y), area.size()),
        Stroke::default().with_color(theme::BORDER).with_width(1.0),
    );
}

pub(super) fn draw_spectrum(f: &mut Frame, area: Rectangle, level: &[f32], peak: &[f32]) {
    if level.len() < 2 {
        return;
    }
    let y = |db: f32| {
        let t = (db.max(SPECTRUM_FLOOR_DB) / SPECTRUM_FLOOR_DB).clamp(0.0, 1.0);
        area.y + area.height * t
    };
    let step = area.width / (level.len() - 1) as f32;
    let bottom = area.y + area.height;
    let fill = Path::new(|p| {
        p.move_to(Point::new(area.x, bottom));
        for (i, &v) in level.iter().enumerate() {
            p.line_to(Point::new(area.x + i as f32 * step, y(v)));
        }
        p.line_to(Point::new(area.x + area.width, bottom));
        p.close();
    });
    f.fill(&fill, Color::from_rgba(0.55, 0.62, 0.72, 0.22));
    if peak.len() == level.len() {
        let line = Path::new(|p| {
            for (i, &v) in peak.iter().enumerate() {
                let q = Point::new(area.x + i as f32 * step, y(v));
                if i == 0 {
                    p.move_to(q);
                } else {
                    p.line_to(q);
                }
            }
        });
        f.stroke(
            &line,
            Stroke::default()
                .with_color(Color::from_rgba(0.75, 0.8, 0.88, 0.45))
                .with_width(1.0),
        );
    }
}

pub(super) fn draw_readout(f: &mut Frame, area: Rectangle, n: &Node) {
    let text = if n.enabled {
        format!("{}  {}", n.label, n.readout)
    } else {
        format!("{} (off)  {}", n.label, n.readout)
    };
    let w = 7.0 + text.chars().count() as f32 * 5.6;
    let h = 16.0;
    let c = Point::new(x_of(n.freq_hz, area), y_of(n.gain_db, area));
    // Above the node, or below it near the top; kept inside the plot.
    let y = if c.y - 14.0 - h > area.y {
        c.y - 14.0 - h
    } else {
        c.y + 14.0
    };
    let x = (c.x - w / 2.0).clamp(area.x + 2.0, (area.x + area.width - w - 2.0).max(area.x));
    f.fill(
        &Path::rounded_rectangle(Point::new(x, y), Size::new(w, h), 3.0.into()),
        theme::fade(theme::PANEL_BG, 0.92),
    );
    f.stroke(
        &Path::rounded_rectangle(Point::new(x, y), Size::new(w, h), 3.0.into()),
        Stroke::default().with_color(n.color).with_width(1.0),
    );
    label(
        f,
        text,
        Point::new(x + 4.0, y + h / 2.0),
        alignment::Horizontal::Left,
        theme::TEXT,
    );
}
