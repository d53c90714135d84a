#!/usr/bin/env python3
"""Turn scripts/bench.sh measurements into one Markdown table per scenario.

    summarize.py RESULTS.tsv META.tsv SCENARIO

RESULTS.tsv rows: scenario tool run urls conc wall user sys rss_kb lines ok rc
META.tsv rows:    scenario key value   (title, ideal, note, cpu_base, rss_small, ref, cpu_ratio
                  "A|B|bar": A's CPU per request over B's, at most bar; rss_limit "A|MiB";
                  per_line TOOL: its CPU per request counts the lines it wrote, for a run
                  stopped before its end; rps_ratio "A|B|bar": A's req/s over B's, at least
                  bar; found "TOOL|run|lines|distinct URLs": a crawl's pages, each to be
                  found once)
Ratios use each tool's medians over its runs; "volley" is the reference row, or the row a "ref"
meta names.
"""
import collections
import statistics
import sys

REF = "volley"


def load(results_path, meta_path, scen):
    rows = collections.OrderedDict()
    with open(results_path, encoding="utf-8") as f:
        for line in f:
            s, tool, run, urls, conc, wall, user, sys_, rss, lines, ok, rc = line.rstrip("\n").split("\t")
            if s != scen:
                continue
            rows.setdefault(tool, []).append({
                "run": int(run), "urls": int(urls), "conc": int(conc), "wall": float(wall),
                "cpu": float(user) + float(sys_), "rss": int(rss), "lines": int(lines),
                "ok": int(ok), "rc": int(rc),
            })
    meta = collections.defaultdict(list)
    with open(meta_path, encoding="utf-8") as f:
        for line in f:
            s, key, value = line.rstrip("\n").split("\t", 2)
            if s == scen:
                meta[key].append(value)
    return rows, meta


def stats(runs, per_line=False):
    urls = runs[0]["urls"]
    rps = [r["urls"] / r["wall"] if r["wall"] > 0 else float("inf") for r in runs]
    cpu = statistics.median(r["cpu"] for r in runs)
    done = min(r["lines"] for r in runs) if per_line else urls
    return {
        "urls": urls, "conc": runs[0]["conc"], "n": len(runs),
        "rps": statistics.median(rps), "rps_min": min(rps), "rps_max": max(rps),
        "wall": statistics.median(r["wall"] for r in runs),
        "cpu": cpu, "cpu_us": cpu / done * 1e6 if done else 0.0,
        "rss_mib": max(r["rss"] for r in runs) / 1024,
        "lines": min(r["lines"] for r in runs),
        "bad": max(r["lines"] - r["ok"] for r in runs),
        "rcs": sorted({r["rc"] for r in runs if r["rc"] != 0}),
    }


def num(x, digits=0):
    return f"{x:,.{digits}f}"


def secs(x):
    return num(x, 3) if x < 1 else num(x, 2)


def us(x):
    return num(x, 1) if x < 100 else num(x)


def main():
    results_path, meta_path, scen = sys.argv[1:4]
    rows, meta = load(results_path, meta_path, scen)
    if not rows:
        print(f"## Scenario {scen}\n\n(no measurements)\n")
        return
    per_line = set(meta.get("per_line", []))
    st = {tool: stats(runs, tool in per_line) for tool, runs in rows.items()}
    ideal = float(meta["ideal"][0]) if meta.get("ideal") else None
    ref_name = meta["ref"][0] if meta.get("ref") else REF
    ref = st.get(ref_name)
    # wrk measures a fixed duration, not the URL list: no line count for it.
    no_lines = set(meta.get("no_lines", []))

    head = ["tool", "c", "URLs", "req/s median (min–max)", "wall s"]
    if ideal:
        head.append(f"wall ÷ ideal ({ideal:g} s)")
    head += ["CPU s", "CPU µs/req", "peak RSS MiB", "lines (all 200?)"]
    no_ratio = set(meta.get("no_ratio", [])) | {ref_name}
    show_ratio = ref is not None and any(t not in no_ratio for t in st)
    if show_ratio:
        head += ["volley ÷ tool req/s", "volley ÷ tool CPU/req"]

    out = [f"## Scenario {scen}: {meta['title'][0] if meta.get('title') else ''}".rstrip(": "), ""]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "|".join("---" if i == 0 else "---:" for i in range(len(head))) + "|")
    warnings = []
    for tool, s in st.items():
        rps = num(s["rps"])
        if s["n"] > 1:
            rps += f" ({num(s['rps_min'])}–{num(s['rps_max'])})"
        cells = [tool, num(s["conc"]), num(s["urls"]), rps, secs(s["wall"])]
        if ideal:
            cells.append(num(s["wall"] / ideal, 2) if tool not in meta.get("no_ideal", []) else "—")
        if tool in no_lines:
            lines = "—"
        else:
            lines = num(s["lines"])
            flags = []
            if s["lines"] != s["urls"]:
                flags.append(f"⚠ lost {num(s['urls'] - s['lines'])}")
                warnings.append(f"{tool} wrote {num(s['lines'])} lines for {num(s['urls'])} URLs")
            if s["bad"]:
                flags.append(f"⚠ {num(s['bad'])} not 200")
                warnings.append(f"{tool}: {num(s['bad'])} lines without status 200 in its worst run")
            lines += " " + " ".join(flags) if flags else " ✓"
        if s["rcs"]:
            lines += " ⚠ exit " + ",".join(map(str, s["rcs"]))
            warnings.append(f"{tool} exited with status {','.join(map(str, s['rcs']))}")
        cells += [secs(s["cpu"]), us(s["cpu_us"]), num(s["rss_mib"], 1), lines]
        if show_ratio:
            if tool in no_ratio:
                cells += ["—", "—"]
            else:
                cells.append(num(ref["rps"] / s["rps"], 2) + "×" if s["rps"] else "—")
                cells.append(num(ref["cpu_us"] / s["cpu_us"], 2) + "×" if s["cpu_us"] else "—")
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    runs = max(s["n"] for s in st.values())
    out.append(f"Runs per tool: {runs}, alternated round-robin; req/s = URLs ÷ wall; "
               "CPU = user + sys of the tool and its children; peak RSS = largest over runs "
               "(GNU time: the largest single process, not a sum over processes).")
    for base in meta.get("cpu_base", []):
        if ref and base in st:
            b = st[base]
            out.append(f"- volley CPU/req at c={num(ref['conc'])} ÷ at c={num(b['conc'])} "
                       f"({num(b['urls'])} delay URLs): **{ref['cpu_us'] / b['cpu_us']:.2f}** "
                       f"({us(ref['cpu_us'])} µs vs {us(b['cpu_us'])} µs)")
    for small in meta.get("rss_small", []):
        if ref and small in st:
            sm = st[small]
            out.append(f"- volley peak RSS at {num(ref['urls'])} URLs ÷ at {num(sm['urls'])} URLs: "
                       f"**{ref['rss_mib'] / sm['rss_mib']:.2f}** "
                       f"({num(ref['rss_mib'], 1)} MiB vs {num(sm['rss_mib'], 1)} MiB)")
    for spec in meta.get("cpu_ratio", []):
        a, b, bar = spec.split("|")
        if a in st and b in st and st[b]["cpu_us"]:
            ratio = st[a]["cpu_us"] / st[b]["cpu_us"]
            out.append(f"- {a} ÷ {b}, CPU/req: **{ratio:.2f}** ({us(st[a]['cpu_us'])} µs vs "
                       f"{us(st[b]['cpu_us'])} µs; bar ≤ {bar}: {'met' if ratio <= float(bar) else 'MISSED'})")
    for spec in meta.get("rps_ratio", []):
        a, b, bar = spec.split("|")
        if a in st and b in st and st[b]["rps"]:
            ratio = st[a]["rps"] / st[b]["rps"]
            out.append(f"- {a} ÷ {b}, req/s: **{ratio:.2f}×** ({num(st[a]['rps'])} vs {num(st[b]['rps'])}; "
                       f"bar ≥ {bar}: {'met' if ratio >= float(bar) else 'MISSED'})")
    found = collections.OrderedDict()
    for spec in meta.get("found", []):
        tool, run, lines, distinct = spec.split("|")
        found.setdefault(tool, []).append((int(run), int(lines), int(distinct)))
    for tool, runs in found.items():
        want = st[tool]["urls"] if tool in st else None
        missed = [(r, n, d) for r, n, d in runs if n != want or d != want]
        if not missed:
            out.append(f"- {tool}: every page found once in every run ({num(want)} lines, {num(want)} distinct URLs) ✓")
        for r, n, d in missed:
            out.append(f"- ⚠ **FAILED**: {tool}, run {r}: {num(d)} distinct pages in {num(n)} lines, of {num(want)}")
    for spec in meta.get("rss_limit", []):
        a, limit = spec.split("|")
        if a in st:
            rss = st[a]["rss_mib"]
            out.append(f"- {a}, peak RSS: **{num(rss, 1)} MiB** "
                       f"(bar < {limit} MiB: {'met' if rss < float(limit) else 'MISSED'})")
    for note in meta.get("note", []):
        out.append(f"- {note}")
    for w in warnings:
        out.append(f"- ⚠ {w}")
    out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
