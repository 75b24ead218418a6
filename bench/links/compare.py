#!/usr/bin/env python3
"""Summarize a run of bench/links/run.sh: times of both tools and their broken links.

Usage: compare.py TIMINGS JIYUE_JSON LYCHEE_JSON EXPORT_DIR SITE_URL

TIMINGS has one line per timed run, "TOOL WALL USER SYSTEM LOAD1", from GNU time. The broken
links of both reports are reduced to (page path, target path and fragment), percent-decoded
and with a folder address ending in "/" read as its index.html, so that Jiyue's https://
addresses and lychee's file:// addresses compare. The script prints the links only one tool
reported, grouped by the kind of target, with an example of each.
"""

import collections
import json
import os
import statistics
import sys
import urllib.parse


def timings(path):
    runs = collections.defaultdict(list)
    with open(path) as lines:
        for line in lines:
            fields = line.split()
            # GNU time writes "Command exited with non-zero status 2" before the figures.
            if len(fields) == 5 and fields[0] in ("jiyue", "lychee"):
                runs[fields[0]].append([float(value) for value in fields[1:]])
    return runs


def print_timings(runs):
    print("| tool | runs (wall s) | mean | σ | user CPU | system CPU | load at start |")
    print("| --- | --- | ---: | ---: | ---: | ---: | --- |")
    means = {}
    for tool in ("jiyue", "lychee"):
        rows = runs.get(tool, [])
        if not rows:
            sys.exit(f"no timed runs of {tool} in the timings file")
        wall = [row[0] for row in rows]
        means[tool] = statistics.mean(wall)
        spread = statistics.stdev(wall) if len(wall) > 1 else 0.0
        print(
            f"| {tool} | {', '.join(f'{value:.2f}' for value in wall)} | {means[tool]:.3f} s "
            f"| {spread:.3f} s | {statistics.mean(row[1] for row in rows):.2f} s "
            f"| {statistics.mean(row[2] for row in rows):.2f} s "
            f"| {', '.join(f'{row[3]:.2f}' for row in rows)} |"
        )
    print(f"ratio lychee / jiyue (mean wall time): {means['lychee'] / means['jiyue']:.2f}")


def local_path(path, root):
    """Return the site path of a file path or URL path, reading "/a/" as "/a/index.html"."""
    path = urllib.parse.unquote(path)
    if root and path.startswith(root):
        path = path[len(root):]
        if os.path.isdir(os.path.join(root, path.lstrip("/"))) and not path.endswith("/"):
            path += "/"
    if not path.startswith("/"):
        path = "/" + path
    if path.endswith("/"):
        path += "index.html"
    return path


def target(url, site_url, root):
    """Return a broken link's target as "path#fragment" for the site, or the URL unchanged."""
    address, _, fragment = url.partition("#")
    if address.startswith(site_url):
        path = local_path("/" + address[len(site_url):], None)
    elif address.startswith("file://"):
        path = local_path(address[len("file://"):], root)
    else:
        return url
    fragment = urllib.parse.unquote(fragment)
    return f"{path}#{fragment}" if fragment else path


def jiyue_broken(report, site_url):
    broken = set()
    for page in report["pages"]:
        page_path = local_path("/" + page["url"][len(site_url):], None)
        for link in page["broken"]:
            broken.add((page_path, target(link["url"], site_url, None)))
    return broken


def lychee_broken(report, site_url, root):
    broken = set()
    for page, links in report["error_map"].items():
        page_path = local_path(page, root)
        for link in links:
            broken.add((page_path, target(link["url"], site_url, root)))
    return broken


def kind(link):
    """Return a coarse class of a broken link for grouping differences."""
    path = link[1]
    if "#" in path:
        return "fragment"
    if "://" in path:
        return "other scheme or site"
    return "/" + path.split("/")[1] + "/…" if path.count("/") > 1 else path


def print_difference(title, links):
    print(f"{title}: {len(links)}")
    groups = collections.defaultdict(list)
    for link in sorted(links):
        groups[kind(link)].append(link)
    for group, members in sorted(groups.items(), key=lambda entry: -len(entry[1])):
        page, target_path = members[0]
        print(f"  {len(members)} × {group}, such as {target_path} on {page}")


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    timings_path, jiyue_path, lychee_path, root, site_url = sys.argv[1:]
    root = os.path.realpath(root)
    print_timings(timings(timings_path))

    with open(jiyue_path) as file:
        jiyue = json.load(file)
    with open(lychee_path) as file:
        lychee = json.load(file)
    print(
        f"jiyue:  {jiyue['home']['links'] + jiyue['inner']['links']} links on "
        f"{jiyue['home']['pages'] + jiyue['inner']['pages']} pages, "
        f"{jiyue['home']['broken'] + jiyue['inner']['broken']} broken "
        f"(home {jiyue['home']['broken']}, inner {jiyue['inner']['broken']}), "
        f"{jiyue['skipped']} skipped"
    )
    print(
        f"lychee: {lychee.get('total')} links, {lychee.get('errors')} errors, "
        f"{lychee.get('excludes')} excluded, {lychee.get('remaps')} remapped"
    )
    ours = jiyue_broken(jiyue, site_url)
    theirs = lychee_broken(lychee, site_url, root)
    print(f"broken (page, target) pairs: jiyue {len(ours)}, lychee {len(theirs)}, "
          f"both {len(ours & theirs)}")
    print_difference("only jiyue", ours - theirs)
    print_difference("only lychee", theirs - ours)


if __name__ == "__main__":
    main()
