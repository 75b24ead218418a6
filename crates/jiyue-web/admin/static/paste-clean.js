// Cleans HTML that editors paste from Word and WPS before the rich-text editor reads it.
//
// It works on the markup as text (no DOM), so the same function runs in the browser and under
// node for the unit test beside it. It removes what only Office needs: comments (conditional
// ones with their content), <xml>, <style>, <meta>, <link>, Office namespace tags such as
// <o:p>, mso-* and font declarations, Mso classes, lang attributes, spans left without
// attributes, and spans and paragraphs holding only spaces. Images with a data: source stay.
// Images pointing at the author's disk (file:///) are dropped and counted, so the editor can
// ask for an upload instead.
(function (root) {
  'use strict';

  // Style properties dropped from pasted style attributes, besides every mso-* one.
  var DROPPED_PROPERTIES = [
    'font-family', 'font-size', 'color', 'font', 'line-height', 'tab-stops',
    'background', 'background-color', 'text-autospace', 'layout-grid-mode'
  ];

  // Elements removed together with everything inside them.
  var DROPPED_BLOCKS = /<(xml|style|script|head|title|template)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;

  // Elements removed alone; their content (if any) stays.
  var DROPPED_TAGS = /^(meta|link|html|body|font|base)$/i;

  // One start or end tag, with attribute values in either kind of quote.
  var TAG = /<(\/?)([A-Za-z][^\s\/>]*)((?:\s+[^\s=\/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*(\/?)>/g;

  var ATTRIBUTE = /([^\s=\/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;

  // Spaces as Word and WPS write them: plain, no-break as a character or a reference.
  var BLANK = '(?:\\s|&nbsp;|&#160;|&#xa0;|\\u00a0)*';
  var EMPTY_SPAN = new RegExp('<span\\b[^>]*>' + BLANK + '<\\/span>', 'gi');
  var EMPTY_PARAGRAPH = new RegExp('<p\\b[^>]*>' + BLANK + '<\\/p>', 'gi');
  // Word's and WPS's runs of spaces: <span style="mso-spacerun:yes">&nbsp; </span>.
  var SPACE_RUN = new RegExp('<span\\b[^>]*mso-spacerun[^>]*>' + BLANK + '<\\/span>', 'gi');

  function removeComments(html) {
    return html
      // Conditional comments with what they hide: <!--[if gte mso 9]>…<![endif]-->.
      .replace(/<!--\[if[^\]]*\]>[\s\S]*?<!\[endif\]-->/gi, '')
      // Downlevel-revealed markers keep their content: <![if !supportLists]>…<![endif]>.
      .replace(/<!\[(?:if[^\]]*|endif)\]>/gi, '')
      // Every other comment, such as <!--StartFragment-->.
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/<!DOCTYPE[^>]*>/gi, '');
  }

  function cleanStyle(value) {
    var kept = [];
    value.split(';').forEach(function (declaration) {
      var colon = declaration.indexOf(':');
      if (colon < 0) {
        return;
      }
      var property = declaration.slice(0, colon).trim().toLowerCase();
      var text = declaration.slice(colon + 1).trim();
      if (!property || !text || property.indexOf('mso-') === 0) {
        return;
      }
      if (DROPPED_PROPERTIES.indexOf(property) >= 0) {
        return;
      }
      kept.push(property + ': ' + text);
    });
    return kept.join('; ');
  }

  function cleanClass(value) {
    return value.split(/\s+/).filter(function (name) {
      // Word's MsoNormal and the like; WPS numbers its styles (class="15").
      return name && !/^mso/i.test(name) && !/^\d+$/.test(name);
    }).join(' ');
  }

  function escapeAttribute(value) {
    return value.replace(/&(?![#A-Za-z0-9]+;)/g, '&amp;').replace(/"/g, '&quot;')
      .replace(/</g, '&lt;').replace(/>/g, '&gt;');
  }

  // Returns the attributes worth keeping as [name, value] pairs.
  function keptAttributes(text) {
    var kept = [];
    var match;
    ATTRIBUTE.lastIndex = 0;
    while ((match = ATTRIBUTE.exec(text)) !== null) {
      var name = match[1].toLowerCase();
      var value = match[2] !== undefined ? match[2]
        : match[3] !== undefined ? match[3]
          : match[4] !== undefined ? match[4] : '';
      if (name === 'lang' || name.indexOf(':') >= 0 || name.indexOf('on') === 0) {
        continue;
      }
      if (name === 'style') {
        value = cleanStyle(value);
      } else if (name === 'class') {
        value = cleanClass(value);
      }
      if ((name === 'style' || name === 'class') && !value) {
        continue;
      }
      kept.push([name, value]);
    }
    return kept;
  }

  function attributeValue(attributes, name) {
    for (var i = 0; i < attributes.length; i += 1) {
      if (attributes[i][0] === name) {
        return attributes[i][1];
      }
    }
    return null;
  }

  function serialize(name, attributes, selfClosing) {
    var parts = attributes.map(function (pair) {
      return ' ' + pair[0] + '="' + escapeAttribute(pair[1]) + '"';
    });
    return '<' + name + parts.join('') + (selfClosing ? ' /' : '') + '>';
  }

  // Rewrites every tag: drops Office-only tags and attributes, unwraps bare spans and removes
  // images from the local disk, counting them in `report`.
  function rewriteTags(html, report) {
    var spans = [];
    return html.replace(TAG, function (whole, closing, rawName, rawAttributes, selfClosing) {
      var name = rawName.toLowerCase();
      if (name.indexOf(':') >= 0 || DROPPED_TAGS.test(name)) {
        return '';
      }
      if (closing) {
        if (name === 'span') {
          return spans.pop() === false ? '' : '</span>';
        }
        return '</' + name + '>';
      }
      var attributes = keptAttributes(rawAttributes);
      if (name === 'img') {
        var source = (attributeValue(attributes, 'src') || '').trim();
        if (/^file:/i.test(source) || source === '') {
          report.droppedImages += 1;
          return '';
        }
      }
      if (name === 'span' && !selfClosing) {
        spans.push(attributes.length > 0);
        if (attributes.length === 0) {
          return '';
        }
      }
      return serialize(name, attributes, selfClosing === '/');
    });
  }

  function removeEmpty(html) {
    var previous;
    do {
      previous = html;
      html = html.replace(EMPTY_SPAN, '').replace(EMPTY_PARAGRAPH, '');
    } while (html !== previous);
    return html;
  }

  /**
   * Cleans pasted HTML from Word, WPS or a web page.
   * Returns { html, droppedImages }: the cleaned markup and how many images were dropped
   * because their source was a file on the author's computer.
   */
  function cleanPastedHtml(html) {
    var report = { html: '', droppedImages: 0 };
    var text = removeComments(String(html || ''));
    text = text.replace(DROPPED_BLOCKS, '').replace(SPACE_RUN, '');
    text = rewriteTags(text, report);
    report.html = removeEmpty(text).trim();
    return report;
  }

  var api = { cleanPastedHtml: cleanPastedHtml };
  if (typeof module !== 'undefined' && module.exports) {
    module.exports = api;
  } else {
    root.JiyuePasteClean = api;
  }
}(typeof window !== 'undefined' ? window : this));
