//! Line and bar charts drawn as SVG on the server, for pages that must work without
//! scripts. Each chart is an image with `role="img"`, a `<title>` and a `<desc>` that screen
//! readers announce, and comes with an HTML data table of the same values to place next to
//! it, so no reader depends on seeing the picture.
//!
//! The caller passes translated text (title, description, column heading); this module
//! writes no words of its own, only numbers and the given labels, escaped.

use std::fmt::Write as _;

/// Width of the drawing in SVG user units; the image scales to its container.
const WIDTH: f64 = 640.0;
/// Height of the drawing in SVG user units.
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
/// Room below the plot for the labels and the legend.
const BOTTOM: f64 = 56.0;
/// Horizontal grid lines, including the zero line.
const GRID_LINES: u32 = 5;

/// Series colours: the Okabe-Ito palette, which stays distinguishable with the common
/// colour-vision deficiencies. Some of its colours are light on white, so the data table, not
/// the colour, is what carries the values.
const PALETTE: [&str; 6] = [
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#56b4e9", "#e69f00",
];

/// One named series of (label, value) points. A value that is not finite is a gap.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(String, f64)>,
}

/// A chart: its text, its series and its value axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// The element id prefix; characters other than ASCII letters, digits, `-` and `_` are
    /// replaced, so the ids stay valid.
    pub id: String,
    pub title: String,
    /// A sentence that states what the chart shows, for screen readers.
    pub description: String,
    /// The heading of the label column in the data table, such as "Month".
    pub label_heading: String,
    pub series: Vec<Series>,
    /// The top of the value axis; `None` fits the largest value.
    pub y_max: Option<f64>,
}

/// Escapes text for HTML and SVG content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(character),
        }
    }
    out
}

/// Writes a number with at most two decimals and no trailing zeros.
pub fn format_number(value: f64) -> String {
    if !value.is_finite() {
        return String::new();
    }
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

fn safe_id(id: &str) -> String {
    let id: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if id.is_empty() {
        "chart".to_string()
    } else {
        id
    }
}

impl Chart {
    /// Returns every label in first-seen order across the series.
    pub fn labels(&self) -> Vec<String> {
        let mut labels: Vec<String> = Vec::new();
        for series in &self.series {
            for (label, _) in &series.points {
                if !labels.contains(label) {
                    labels.push(label.clone());
                }
            }
        }
        labels
    }

    fn value(&self, series: &Series, label: &str) -> Option<f64> {
        series
            .points
            .iter()
            .find(|(point_label, _)| point_label == label)
            .map(|(_, value)| *value)
            .filter(|value| value.is_finite())
    }

    /// Returns the bottom and top of the value axis: from 0 (or the smallest negative value)
    /// to `y_max` or the largest value.
    fn range(&self) -> (f64, f64) {
        let values = self
            .series
            .iter()
            .flat_map(|series| series.points.iter().map(|(_, value)| *value))
            .filter(|value| value.is_finite());
        let (low, high) = values.fold((0.0_f64, 0.0_f64), |(low, high), value| {
            (low.min(value), high.max(value))
        });
        let top = self
            .y_max
            .filter(|max| max.is_finite())
            .unwrap_or(high)
            .max(high);
        if top > low {
            (low, top)
        } else {
            (low, low + 1.0)
        }
    }

    fn y_of(&self, value: f64) -> f64 {
        let (low, high) = self.range();
        let plot = HEIGHT - TOP - BOTTOM;
        TOP + plot * (1.0 - (value - low) / (high - low))
    }

    /// Opens the `<svg>` element with its title, description, grid and value labels.
    fn open(&self, kind: &str) -> String {
        let id = safe_id(&self.id);
        let mut svg = String::new();
        let _ = write!(
            svg,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart chart-{kind}\" id=\"{id}\" \
             viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" \
             aria-labelledby=\"{id}-title {id}-desc\">\
             <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
            escape(&self.title),
            escape(&self.description)
        );
        let (low, high) = self.range();
        for step in 0..GRID_LINES {
            let value = low + (high - low) * f64::from(step) / f64::from(GRID_LINES - 1);
            let y = self.y_of(value);
            let _ = write!(
                svg,
                "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{}\" y2=\"{y:.1}\" stroke=\"#d0d7de\" \
                 stroke-width=\"1\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" \
                 font-size=\"11\" fill=\"#333\">{}</text>",
                WIDTH - RIGHT,
                LEFT - 6.0,
                y + 4.0,
                format_number(value)
            );
        }
        svg
    }

    /// Writes the label under each slot and the legend, and closes the element.
    fn close(&self, mut svg: String, labels: &[String]) -> String {
        let slot = (WIDTH - LEFT - RIGHT) / labels.len().max(1) as f64;
        let label_y = HEIGHT - BOTTOM + 16.0;
        for (index, label) in labels.iter().enumerate() {
            let x = LEFT + slot * (index as f64 + 0.5);
            let _ = write!(
                svg,
                "<text x=\"{x:.1}\" y=\"{label_y:.1}\" text-anchor=\"middle\" font-size=\"11\" \
                 fill=\"#333\">{}</text>",
                escape(label)
            );
        }
        let legend_y = HEIGHT - 12.0;
        for (index, series) in self.series.iter().enumerate() {
            let x = LEFT + 140.0 * index as f64;
            let colour = PALETTE[index % PALETTE.len()];
            let _ = write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\" fill=\"{colour}\"/>\
                 <text x=\"{:.1}\" y=\"{legend_y:.1}\" font-size=\"11\" fill=\"#333\">{}</text>",
                legend_y - 9.0,
                x + 14.0,
                escape(&series.name)
            );
        }
        svg.push_str("</svg>");
        svg
    }

    /// Draws the series as lines with a marker at each point; gaps break the line.
    pub fn line_svg(&self) -> String {
        let labels = self.labels();
        let mut svg = self.open("line");
        let slot = (WIDTH - LEFT - RIGHT) / labels.len().max(1) as f64;
        for (index, series) in self.series.iter().enumerate() {
            let colour = PALETTE[index % PALETTE.len()];
            let mut segment: Vec<(f64, f64)> = Vec::new();
            let mut segments = Vec::new();
            for (slot_index, label) in labels.iter().enumerate() {
                match self.value(series, label) {
                    Some(value) => {
                        segment.push((LEFT + slot * (slot_index as f64 + 0.5), self.y_of(value)))
                    }
                    None => segments.push(std::mem::take(&mut segment)),
                }
            }
            segments.push(segment);
            for segment in segments.iter().filter(|segment| segment.len() > 1) {
                let points: Vec<String> = segment
                    .iter()
                    .map(|(x, y)| format!("{x:.1},{y:.1}"))
                    .collect();
                let _ = write!(
                    svg,
                    "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" \
                     stroke-width=\"2\"/>",
                    points.join(" ")
                );
            }
            for (slot_index, label) in labels.iter().enumerate() {
                let Some(value) = self.value(series, label) else {
                    continue;
                };
                let _ = write!(
                    svg,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{colour}\">\
                     <title>{}: {} {}</title></circle>",
                    LEFT + slot * (slot_index as f64 + 0.5),
                    self.y_of(value),
                    escape(&series.name),
                    escape(label),
                    format_number(value)
                );
            }
        }
        self.close(svg, &labels)
    }

    /// Draws the series as grouped bars, one group per label.
    pub fn bar_svg(&self) -> String {
        let labels = self.labels();
        let mut svg = self.open("bar");
        let slot = (WIDTH - LEFT - RIGHT) / labels.len().max(1) as f64;
        let bar = slot * 0.8 / self.series.len().max(1) as f64;
        let zero = self.y_of(0.0);
        for (slot_index, label) in labels.iter().enumerate() {
            for (index, series) in self.series.iter().enumerate() {
                let Some(value) = self.value(series, label) else {
                    continue;
                };
                let x = LEFT + slot * (slot_index as f64 + 0.1) + bar * index as f64;
                let y = self.y_of(value);
                let _ = write!(
                    svg,
                    "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" \
                     fill=\"{}\"><title>{}: {} {}</title></rect>",
                    y.min(zero),
                    (zero - y).abs(),
                    PALETTE[index % PALETTE.len()],
                    escape(&series.name),
                    escape(label),
                    format_number(value)
                );
            }
        }
        self.close(svg, &labels)
    }

    /// Writes the values as an HTML table, one row per label and one column per series, to
    /// place next to the image.
    pub fn table_html(&self) -> String {
        let mut html = format!(
            "<table class=\"chart-data\"><caption>{}</caption><thead><tr><th scope=\"col\">{}</th>",
            escape(&self.title),
            escape(&self.label_heading)
        );
        for series in &self.series {
            let _ = write!(html, "<th scope=\"col\">{}</th>", escape(&series.name));
        }
        html.push_str("</tr></thead><tbody>");
        for label in self.labels() {
            let _ = write!(html, "<tr><th scope=\"row\">{}</th>", escape(&label));
            for series in &self.series {
                let value = self.value(series, &label).map(format_number);
                let _ = write!(html, "<td>{}</td>", value.unwrap_or_default());
            }
            html.push_str("</tr>");
        }
        html.push_str("</tbody></table>");
        html
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> Chart {
        Chart {
            id: "trend 1".into(),
            title: "得分 <趋势>".into(),
            description: "Totals by month".into(),
            label_heading: "月份".into(),
            series: vec![Series {
                name: "总分".into(),
                points: vec![
                    ("2026-09".into(), 92.5),
                    ("2026-10".into(), f64::NAN),
                    ("2026-11".into(), 100.0),
                ],
            }],
            y_max: Some(100.0),
        }
    }

    #[test]
    fn line_chart_is_labelled_and_escaped() {
        let svg = chart().line_svg();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("id=\"trend-1\""));
        assert!(svg.contains("aria-labelledby=\"trend-1-title trend-1-desc\""));
        assert!(svg.contains("<title id=\"trend-1-title\">得分 &lt;趋势&gt;</title>"));
        assert!(svg.contains("<desc id=\"trend-1-desc\">Totals by month</desc>"));
        assert!(!svg.contains("style="));
        assert!(!svg.contains("NaN"));
        assert_eq!(svg.matches("<circle").count(), 2, "the gap has no marker");
        assert!(
            !svg.contains("<polyline"),
            "a gap leaves no two adjacent points"
        );
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn bar_chart_draws_each_value() {
        let mut chart = chart();
        chart.series.push(Series {
            name: "及格线".into(),
            points: vec![("2026-09".into(), 60.0), ("2026-11".into(), 60.0)],
        });
        let svg = chart.bar_svg();
        assert_eq!(
            svg.matches("<rect").count(),
            4 + 2,
            "4 bars and 2 legend keys"
        );
        assert!(svg.contains("<title>及格线: 2026-11 60</title>"));
    }

    #[test]
    fn table_lists_every_label() {
        let html = chart().table_html();
        assert!(html.contains("<caption>得分 &lt;趋势&gt;</caption>"));
        assert!(html.contains("<tr><th scope=\"row\">2026-09</th><td>92.5</td></tr>"));
        assert!(html.contains("<tr><th scope=\"row\">2026-10</th><td></td></tr>"));
    }

    #[test]
    fn numbers_drop_trailing_zeros() {
        assert_eq!(format_number(100.0), "100");
        assert_eq!(format_number(92.5), "92.5");
        assert_eq!(format_number(0.1 + 0.2), "0.3");
        assert_eq!(format_number(-0.001), "0");
        assert_eq!(format_number(f64::INFINITY), "");
    }

    #[test]
    fn empty_chart_still_draws() {
        let chart = Chart {
            id: String::new(),
            title: "t".into(),
            description: "d".into(),
            label_heading: "l".into(),
            series: Vec::new(),
            y_max: None,
        };
        let svg = chart.line_svg();
        assert!(svg.contains("id=\"chart\""));
        assert!(svg.ends_with("</svg>"));
    }
}
