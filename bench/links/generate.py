#!/usr/bin/env python3
"""Generate a static export shaped like a Jiyue site, for benchmarking link checkers.

Usage: generate.py DIR [ITEMS]

DIR receives a home page, column listing pages (20 items each), ITEMS item pages spread
over 12 columns (three with Chinese folder names), theme files and uploads. Pages link with
root-relative and relative addresses, Chinese paths and Chinese fragments (raw and
percent-encoded), srcset, mailto:, tel: and external links. About 1 item in 200 links to a
missing page and 1 in 300 to a missing anchor, so both checkers have something to report.
"""

import os
import random
import sys
import urllib.parse

COLUMNS = ["yw", "zwgk/tzgg", "zwgk/zcwj", "zwdt", "tpxw", "rsxx", "zfxxgk", "hdjl",
           "政务公开", "通知公告", "政策解读", "xwfb"]
PER_PAGE = 20


def quote(path):
    return urllib.parse.quote(path, safe="/#")


def write(root, path, text):
    file = os.path.join(root, path.lstrip("/"))
    os.makedirs(os.path.dirname(file), exist_ok=True)
    with open(file, "w", encoding="utf-8") as out:
        out.write(text)


def shell(title, body):
    nav = "".join(
        f'<li><a href="/{column}/index.html">{column}</a></li>' for column in COLUMNS
    )
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="/static/site.css"><link rel="icon" href="/static/favicon.ico">
<script src="/static/site.js" defer></script></head>
<body><header><a href="/"><img src="/static/logo.png"
 srcset="/static/logo.png 1x, /static/logo@2x.png 2x" alt="吉林省人民政府"></a>
<nav><ul><li><a href="/index.html">首页</a></li>{nav}</ul></nav>
</header>
<main>{body}</main>
<footer><a href="mailto:webmaster@jl.gov.cn">联系我们</a> <a href="tel:043188904321">电话</a>
<a href="https://www.gov.cn/">中国政府网</a> <a href="https://beian.miit.gov.cn/">吉ICP备</a>
<a href="/sitemap.html">网站地图</a></footer></body></html>
"""


def item_path(items, index):
    column, number = items[index]
    return f"/{column}/2024{1 + number % 12:02d}/t{number:06d}.html"


def main():
    root = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    rng = random.Random(6)
    items = [(COLUMNS[i % len(COLUMNS)], i) for i in range(count)]

    for index in range(count):
        related = []
        for _ in range(8):
            other = rng.randrange(count)
            target = quote(item_path(items, other))
            kind = rng.random()
            if kind < 0.2:
                related.append(f'<a href="{target}#第一章">第一章</a>')
            elif kind < 0.3:
                related.append(f'<a href="{quote(item_path(items, other) + "#第二节")}">第二节</a>')
            else:
                related.append(f'<a href="{target}">相关 {other}</a>')
        if index % 200 == 7:
            related.append(f'<a href="/{items[index][0]}/2099/t{index:06d}.html">已删除</a>')
        if index % 300 == 11:
            related.append(f'<a href="{quote(item_path(items, 0))}#不存在">缺锚点</a>')
        attachment = f"/files/{index:064x}.pdf"
        body = f"""<article><h1>信息 {index}</h1><h2 id="第一章">第一章</h2><p>正文……</p>
<h3 id="第二节">第二节</h3><p>正文……<a href="#第一章">回到第一章</a></p>
<p><a href="{attachment}">附件</a> <img src="../../static/logo.png" alt=""></p>
<ul>{"".join(f"<li>{link}</li>" for link in related)}</ul>
<a href="../index.html">返回栏目</a></article>"""
        write(root, item_path(items, index),
              shell(f"信息 {index}", body))
        write(root, attachment, "%PDF-1.4\n")

    for column in COLUMNS:
        members = [i for i in range(count) if items[i][0] == column]
        pages = max(1, (len(members) + PER_PAGE - 1) // PER_PAGE)
        for page in range(pages):
            name = "index.html" if page == 0 else f"index_{page}.html"
            chunk = members[page * PER_PAGE:(page + 1) * PER_PAGE]
            listing = "".join(
                f'<li><a href="{quote(item_path(items, i))}">信息 {i}</a></li>' for i in chunk
            )
            pager = "".join(
                f'<a href="{"index.html" if p == 0 else f"index_{p}.html"}">{p + 1}</a>'
                for p in range(max(0, page - 3), min(pages, page + 4))
            )
            write(root, f"/{column}/{name}",
                  shell(column, f"<ul>{listing}</ul><div class=pager>{pager}</div>"))

    latest = "".join(
        f'<li><a href="{quote(item_path(items, i))}">信息 {i}</a></li>'
        for i in range(min(count, 60))
    )
    write(root, "/index.html", shell("首页", f"<ul>{latest}</ul>"))
    write(root, "/sitemap.html", shell("网站地图", "<p>地图</p>"))
    for name in ["site.css", "site.js", "favicon.ico", "logo.png", "logo@2x.png"]:
        write(root, f"/static/{name}", "x")


if __name__ == "__main__":
    main()
