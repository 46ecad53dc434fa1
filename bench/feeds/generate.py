#!/usr/bin/env python3
"""Synthetic Shadowserver `event4_sinkhole_http` rows and owner ranges for
bench/feeds_vs_intelmq.sh (standard library only, seeded: the same arguments give the same
files byte for byte).

Writes into OUT_DIR:
  event4_sinkhole_http.csv  N rows with Shadowserver's header for the report type (every
                            column its public report schema names, including `severity`,
                            `ssl_servername` and `machine_name`); 10% of the rows (N // 10)
                            are exact copies of earlier rows, the rest are distinct in
                            (timestamp, src_ip). Timestamps fall within one day, in time
                            order; src_ip comes from a pool of about N/5 addresses, so most
                            addresses appear several times with different timestamps.
  owners.csv                one organisation per owner range, for `beacon org import`
                            (name,sector,district,contacts,networks,asns,domains).
  owners.sieve              the same ranges as IntelMQ sieve-expert rules setting
                            `extra.owner` (an if/elif chain, `unattributed` otherwise).
  owners-tree.sieve         the same rules nested in a tree of address-space halves (an
                            address meets about a dozen tests instead of up to all 300).
  expected.json             rows, unique_rows, duplicate_rows, owner ranges, and how many
                            unique rows fall inside an owner range (`attributed_rows`;
                            `attributed_all_rows` counts the duplicates too).

The owner ranges (default 300, /16 to /28) never overlap (each sits in its own /16), so
first-match (sieve) and longest-prefix match (Beacon) give the same owner; about half of
the address pool lies inside them and the other half in /16s that hold no range.

Usage: generate.py N OUT_DIR [--ranges 300] [--seed 7]
"""

import argparse
import json
import os
import random
import sys
from array import array

HEADER = [
    "timestamp", "protocol", "src_ip", "src_port", "src_asn", "src_geo", "src_region",
    "src_city", "src_hostname", "src_naics", "src_sector", "device_vendor", "device_type",
    "device_model", "severity", "dst_ip", "dst_port", "dst_asn", "dst_geo", "dst_region",
    "dst_city", "dst_hostname", "dst_naics", "dst_sector", "public_source", "infection",
    "family", "tag", "application", "version", "event_id", "http_url", "http_host",
    "http_agent", "forwarded_by", "ssl_cipher", "http_referer", "ssl_servername",
    "machine_name",
]

DAY = "2026-11-27"
# (infection, family, tag)
INFECTIONS = [
    ("andromeda", "andromeda", "avalanche-andromeda"),
    ("necurs", "necurs", "necurs"),
    ("conficker", "conficker", "conficker"),
    ("ramnit", "ramnit", "ramnit"),
    ("sality", "sality", "sality-p2p"),
    ("qsnatch", "qsnatch", "qsnatch"),
    ("gamut", "gamut", "gamut"),
    ("zeus-gameover", "gameover", "gozi"),
]
# Sinkholes: (dst_ip, dst_asn, dst_geo, dst_region, dst_city, http_host)
SINKHOLES = [
    ("184.105.192.2", 6939, "US", "CALIFORNIA", "FREMONT", "differentia.ru"),
    ("184.105.192.3", 6939, "US", "CALIFORNIA", "FREMONT", "disorderstatus.ru"),
    ("74.208.164.166", 8560, "US", "PENNSYLVANIA", "WAYNE", "mxbbckqd.com"),
    ("85.17.31.82", 60781, "NL", "NOORD-HOLLAND", "AMSTERDAM", "kuaiwvsecure.net"),
    ("148.81.111.121", 8308, "PL", "MAZOWIECKIE", "WARSAW", "yrmhgstvdxlj.org"),
    ("193.166.255.171", 1741, "FI", "UUSIMAA", "HELSINKI", "update-check.info"),
]
URLS = ["/", "/index.php", "/gate.php", "/images/logo.gif", "/b/req", "/search?q=1",
        "/pixel.gif", "/forum/viewtopic.php"]
AGENTS = [
    "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.1)",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
    "Microsoft-CryptoAPI/10.0",
    "curl/7.88.1",
]
# (asn, region, city) for UK access networks, in Leicester, Leicestershire and Rutland.
PLACES = [
    (2856, "LEICESTER", "LEICESTER"),
    (5089, "LEICESTERSHIRE", "LOUGHBOROUGH"),
    (5378, "LEICESTERSHIRE", "HINCKLEY"),
    (12576, "LEICESTERSHIRE", "MELTON MOWBRAY"),
    (13285, "LEICESTERSHIRE", "MARKET HARBOROUGH"),
    (5607, "RUTLAND", "OAKHAM"),
    (2856, "LEICESTERSHIRE", "COALVILLE"),
    (5089, "LEICESTERSHIRE", "WIGSTON"),
]
# The districts Beacon's reference data knows (data/reference/llr_districts.csv).
DISTRICTS = ["E06000016", "E06000017", "E07000129", "E07000130", "E07000131",
             "E07000132", "E07000133", "E07000134", "E07000135"]
# First octets used for the synthetic addresses: public, unicast, not 10/100/127/169/172/192.
OCTETS = [o for o in range(2, 224) if o not in (10, 100, 127, 169, 172, 192, 198, 203)]


def dotted(n):
    return f"{n >> 24}.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("rows", type=int)
    ap.add_argument("out_dir")
    ap.add_argument("--ranges", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    n = args.rows
    if n < 10 or args.ranges < 1:
        sys.exit("generate.py: need at least 10 rows and 1 range")
    rng = random.Random(args.seed)
    os.makedirs(args.out_dir, exist_ok=True)

    # --- owner ranges: each in its own /16, prefix /16../28 -------------------------------
    # (the sinkholes' /16s hold neither owner ranges nor sources)
    sink_blocks = {int(a) << 8 | int(b) for a, b, *_ in (ip.split(".") for ip, *_ in SINKHOLES)}
    blocks = rng.sample([(o << 8) | b for o in OCTETS for b in range(256)
                         if (o << 8) | b not in sink_blocks], args.ranges)
    ranges = []  # (base, prefix)
    for block in blocks:
        prefix = rng.randint(16, 28)
        size = 1 << (32 - prefix)
        base = (block << 16) + rng.randrange(0, 1 << 16, size)
        ranges.append((base, prefix))
    used = set(blocks) | sink_blocks

    # --- address pool: about N/5 addresses, half inside the ranges ----------------------
    n_dup = n // 10
    n_unique = n - n_dup
    pool_size = max(2, n // 5)
    inside_target = pool_size // 2
    sizes = [1 << (32 - p) for _, p in ranges]
    capacity = sum(sizes)
    inside_target = min(inside_target, capacity)
    inside = set()
    cum = []
    total = 0
    for s in sizes:
        total += s
        cum.append(total)
    while len(inside) < inside_target:
        # a range weighted by its size, then a host in it
        k = rng.choices(range(len(ranges)), cum_weights=cum, k=min(4096, inside_target))
        for i in k:
            base, prefix = ranges[i]
            inside.add(base + rng.randrange(sizes[i]))
            if len(inside) >= inside_target:
                break
    outside = set()
    while len(outside) < pool_size - inside_target:
        block = (rng.choice(OCTETS) << 8) | rng.randrange(256)
        if block in used:
            continue
        outside.add((block << 16) | rng.randrange(1, 1 << 16))
    pool_ints = sorted(inside) + sorted(outside)
    rng.shuffle(pool_ints)
    pool = [dotted(a) for a in pool_ints]
    in_range = bytes(1 if a in inside else 0 for a in pool_ints)
    # per-address fixed columns: src_asn, GB, region, city
    place_of = [rng.randrange(len(PLACES)) for _ in pool]
    del inside, outside

    clock = [f"{DAY} {h:02}:{m:02}:{s:02}" for h in range(24) for m in range(60) for s in range(60)]
    sinks = [f'"{ip}",80,{asn},"{geo}","{region}","{city}",,518210,'
             f'"Communications, Service Provider, and Hosting Service",,'
             for ip, asn, geo, region, city, _host in SINKHOLES]
    places = [f'{asn},"GB","{region}","{city}",,517311,,,,,"high",'
              for asn, region, city in PLACES]
    infections = [f'"{i}","{f}","{t}",,,,' for i, f, t in INFECTIONS]
    agents = [f'"{a}",,,,,' for a in AGENTS]

    # Unique rows are kept as a few numbers each, so a duplicate can copy any earlier row.
    u_ts = array("l")
    u_ip = array("l")
    u_port = array("l")
    u_var = array("l")

    def row(j):
        ip = u_ip[j]
        var = u_var[j]
        s = var % len(SINKHOLES)
        return (f'"{clock[u_ts[j]]}","tcp","{pool[ip]}",{u_port[j]},{places[place_of[ip]]}'
                f'{sinks[s]}{infections[(var >> 4) % len(INFECTIONS)]}'
                f'"{URLS[(var >> 8) % len(URLS)]}","{SINKHOLES[s][5]}",'
                f'{agents[(var >> 12) % len(AGENTS)]}\n')

    attributed = 0      # unique rows whose src_ip is in an owner range
    attributed_all = 0  # the same, counting duplicate rows too
    uniques = 0
    dups_left = n_dup
    second_seen = set()
    current_second = -1
    path = os.path.join(args.out_dir, "event4_sinkhole_http.csv")
    rand = rng.random
    randrange = rng.randrange
    with open(path, "w", newline="") as out:
        out.write(",".join(f'"{c}"' for c in HEADER) + "\n")
        buf = []
        for i in range(n):
            left = n - i
            if uniques and dups_left and rand() * left < dups_left:
                j = randrange(uniques)
                attributed_all += in_range[u_ip[j]]
                buf.append(row(j))
                dups_left -= 1
            else:
                # time order: the unique rows spread evenly over the day
                ts = uniques * 86400 // n_unique
                if ts != current_second:
                    current_second = ts
                    second_seen.clear()
                ip = randrange(pool_size)
                while ip in second_seen:
                    ip = randrange(pool_size)
                second_seen.add(ip)
                u_ts.append(ts)
                u_ip.append(ip)
                u_port.append(randrange(1024, 65536))
                u_var.append(randrange(1 << 16))
                attributed += in_range[ip]
                buf.append(row(uniques))
                uniques += 1
            if len(buf) >= 8192:
                out.write("".join(buf))
                buf.clear()
        out.write("".join(buf))
    assert uniques == n_unique and dups_left == 0
    attributed_all += attributed

    # --- owner ranges in both forms -------------------------------------------------
    with open(os.path.join(args.out_dir, "owners.csv"), "w", newline="") as f:
        f.write("name,sector,district,contacts,networks,asns,domains\n")
        for k, (base, prefix) in enumerate(ranges, 1):
            f.write(f"Owner {k},business,{DISTRICTS[k % len(DISTRICTS)]},"
                    f"it{k}@example.org,{dotted(base)}/{prefix},,\n")
    with open(os.path.join(args.out_dir, "owners.sieve"), "w") as f:
        f.write("// generated by bench/feeds/generate.py: one rule per owner range\n")
        for k, (base, prefix) in enumerate(ranges, 1):
            kw = "if" if k == 1 else "elif"
            f.write(f"{kw} source.ip << '{dotted(base)}/{prefix}' "
                    f"{{ add extra.owner = \"Owner {k}\" }}\n")
        f.write('else { add extra.owner = "unattributed" }\n')

    # The same rules as a tree: halve the address space until a few ranges are left, so
    # an address meets about a dozen tests instead of up to all of them.
    def tree(lo, prefix, rs, depth):
        pad = "  " * depth
        if len(rs) <= 4 or prefix >= 16:
            out = []
            for k, (base, p) in rs:
                kw = "if" if not out else "elif"
                out.append(f"{pad}{kw} source.ip << '{dotted(base)}/{p}' "
                           f"{{ add extra.owner = \"Owner {k}\" }}\n")
            out.append(f"{pad}{'else ' if out else ''}{{ add extra.owner = \"unattributed\" }}\n"
                       if out else f"{pad}add extra.owner = \"unattributed\"\n")
            return "".join(out)
        half = lo + (1 << (31 - prefix))
        left = [r for r in rs if r[1][0] < half]
        right = [r for r in rs if r[1][0] >= half]
        return (f"{pad}if source.ip << '{dotted(lo)}/{prefix + 1}' {{\n"
                f"{tree(lo, prefix + 1, left, depth + 1)}"
                f"{pad}}} else {{\n"
                f"{tree(half, prefix + 1, right, depth + 1)}"
                f"{pad}}}\n")

    with open(os.path.join(args.out_dir, "owners-tree.sieve"), "w") as f:
        f.write("// generated by bench/feeds/generate.py: the owner ranges as a tree of tests\n")
        f.write(tree(0, 0, sorted(enumerate(ranges, 1), key=lambda r: r[1][0]), 0))

    expected = {
        "rows": n,
        "unique_rows": n_unique,
        "duplicate_rows": n_dup,
        "address_pool": pool_size,
        "owner_ranges": len(ranges),
        "attributed_rows": attributed,
        "attributed_all_rows": attributed_all,
        "seed": args.seed,
    }
    with open(os.path.join(args.out_dir, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    print(f"generate.py: {n} rows ({n_unique} unique, {n_dup} duplicates, {pool_size} addresses, "
          f"{attributed} unique rows in {len(ranges)} owner ranges) -> {args.out_dir}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
