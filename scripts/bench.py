#!/usr/bin/env python3
"""The benchmark behind BENCHMARKS.md: bundle against tar, pigz, restic and borg.

Run it through scripts/bench (which installs the tools and builds the release binary).
It generates a deterministic tree, then times every command on it, group by group (create,
verify, restore; a group's runs go round its commands), with the page cache dropped before
each run when that is allowed. Each command runs under
/usr/bin/time, which gives its user+system CPU and peak RSS (the figures `/usr/bin/time -v`
prints); for a pipeline the peak RSS is that of its largest process, not the sum.

Peak RSS is measured by /usr/bin/time rather than by wait4() here: Linux folds the memory of
the process that forks and execs the command into the child's ru_maxrss (exec records the old
address space's high-water mark), and the forking process was this Python script, whose own
RSS (the tree generator's, ~94 MiB) then showed as every command's peak. /usr/bin/time forks
from a 2 MiB process.

`--scaling` times create, verify and restore alone on trees of growing size and file count
(0.25, 1 and 4 GiB; 10,000, 100,000 and 1,000,000 files), to show time linear and memory flat.
"""
import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time

MiB = 1 << 20
EPOCH = 1_700_000_000  # every file's mtime, so the tree (and the bundle) is the same each time

SIZES = {
    # small config files, their folders, large text, incompressible data, its largest file
    "full": dict(small=50_000, folders=500, text=620 * MiB, random=307 * MiB, biggest=128 * MiB),
    "quick": dict(small=5_000, folders=50, text=60 * MiB, random=30 * MiB, biggest=12 * MiB),
    # issue #18's tree: 20,000 files, 311 MiB, 30% random
    "issue": dict(small=20_000, folders=200, text=178 * MiB, random=93 * MiB, biggest=32 * MiB),
    # the scaling trees: size and file count apart
    "s-0.25g-10k": dict(small=10_000, folders=100, text=160 * MiB, random=77 * MiB, biggest=16 * MiB),
    "s-1g-10k": dict(small=10_000, folders=100, text=690 * MiB, random=307 * MiB, biggest=64 * MiB),
    "s-0.25g-100k": dict(small=100_000, folders=1000, text=0, random=46 * MiB, biggest=8 * MiB),
    "s-1g-100k": dict(small=100_000, folders=1000, text=520 * MiB, random=307 * MiB, biggest=64 * MiB),
    "s-4g-10k": dict(small=10_000, folders=100, text=512 * MiB, random=3584 * MiB, biggest=128 * MiB),
    # a million settings files of 200 B - 1.8 KiB (~1 GiB), as a file server's many small files
    "s-1g-1m": dict(small=1_000_000, folders=10_000, text=0, random=46 * MiB, biggest=8 * MiB, small_max=1800),
}


# ---------------------------------------------------------------------------------------------
# The tree

def words(rng, count):
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(2, 10))) for _ in range(count)]


def config_file(rng, vocab, index, largest=4000):
    """A small INI/XML/JSON-like settings file, 200 B - 4 KiB (or `largest`)."""
    target = rng.randint(200, largest)
    kind = index % 3
    out = []
    size = 0
    n = 0
    while size < target:
        key = "_".join(rng.choices(vocab, k=2))
        value = rng.choice([str(rng.randint(0, 65535)), " ".join(rng.choices(vocab, k=rng.randint(1, 4))),
                            "true", "false", f"/opt/app/{rng.choice(vocab)}/{rng.choice(vocab)}.dat"])
        if kind == 0:
            line = f"[{rng.choice(vocab)}]\n" if n % 12 == 0 else f"{key} = {value}\n"
        elif kind == 1:
            line = f'  <add key="{key}" value="{value}" />\n'
        else:
            line = f'  "{key}": "{value}",\n'
        out.append(line)
        size += len(line)
        n += 1
    return "".join(out).encode()


def log_pool(rng, vocab, count):
    levels = ["INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"]
    pool = []
    for i in range(count):
        pool.append(
            f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:"
            f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}Z "
            f"{rng.choice(levels)} [{rng.choice(vocab)}-{rng.randint(1, 64)}] "
            f"{' '.join(rng.choices(vocab, k=rng.randint(4, 16)))} id={rng.getrandbits(32):08x}\n")
    return pool


def generate(tree, size):
    p = SIZES[size]
    stamp = tree + ".stamp"
    wanted = json.dumps({"version": 1, **p}, sort_keys=True)
    if os.path.isdir(tree) and os.path.exists(stamp) and open(stamp).read() == wanted:
        return
    print(f"generating the {size} tree in {tree} ...", file=sys.stderr, flush=True)
    remove_tree(tree)
    rng = random.Random(20240607)
    vocab = words(rng, 3000)
    paths = []

    def put(rel, data):
        path = os.path.join(tree, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        paths.append(path)

    per = p["small"] // p["folders"]
    for i in range(p["small"]):
        put(f"config/{i // per:04d}/{rng.choice(vocab)}-{i:06d}.conf",
            config_file(rng, vocab, i, p.get("small_max", 4000)))

    pool = log_pool(rng, vocab, 100_000)
    left, i = p["text"], 0
    while left > 0:
        size_ = min(left, rng.randint(2 * MiB, 16 * MiB))
        lines, n = [], 0
        while n < size_:
            chunk = rng.choices(pool, k=4096)
            lines += chunk
            n += sum(map(len, chunk))
        data = "".join(lines).encode()[:size_]
        put(f"logs/app-{i:03d}.log", data)
        left -= size_
        i += 1

    left, i = p["random"], 0
    while left > 0:
        size_ = min(left, p["biggest"] if i == 0 else 8 * MiB)
        put(f"blobs/blob-{i:03d}.bin", rng.randbytes(size_))
        left -= size_
        i += 1

    for path in paths:
        os.utime(path, (EPOCH, EPOCH))
    for folder, _, _ in os.walk(tree):
        os.utime(folder, (EPOCH, EPOCH))
    with open(stamp, "w") as f:
        f.write(wanted)


def fresh_target(env, out):
    """Points $X at a folder no run has used. A restore into a folder just emptied with rm -rf
    is timed with ext4's inode allocator skipping the inodes deleted in the last 30 s
    (`recently_deleted` in ext4_create: 2-5 s of system time for 20,000 files, more than the
    work itself), by chance more or less; the restores are removed after the last run."""
    fresh_target.count = getattr(fresh_target, "count", 0) + 1
    env["X"] = os.path.join(out, "restores", str(fresh_target.count))


# ext4 without a journal (this machine's /) skips, when it allocates an inode, every free one
# deleted less than 30 s ago (35 s while its inode table block is dirty): `recently_deleted`
# in find_inode_bit, a lookup in the buffer cache for each inode skipped. A restore started
# within that time of an rm -rf of many files pays for it in system time, by chance more or
# less (measured 2026-12-07: 0.9-3.7 s of a 4 s restore of 20,000 files, zstd and gzip alike).
# So the restores wait until SETTLE seconds after the last removal, also one made by the run
# before (`STAMP` keeps its time).
SETTLE = 36
STAMP = None


def remove_tree(path):
    """rm -rf: several times faster than shutil.rmtree on a million files."""
    subprocess.run(["rm", "-rf", "--", path], check=True)
    if STAMP:
        with open(STAMP, "w") as f:
            f.write(f"{time.time()}\n")


def settle():
    """Waits until SETTLE seconds after the last remove_tree (see SETTLE)."""
    try:
        last = float(open(STAMP).read())
    except (TypeError, OSError, ValueError):
        return
    wait = last + SETTLE - time.time()
    if wait > 0:
        print(f"  (waiting {wait:.0f} s: ext4 skips inodes deleted in the last 30 s)", file=sys.stderr, flush=True)
        time.sleep(wait)


def tree_stats(tree):
    files = total = biggest = 0
    for folder, _, names in os.walk(tree):
        for name in names:
            s = os.lstat(os.path.join(folder, name)).st_size
            files += 1
            total += s
            biggest = max(biggest, s)
    return files, total, biggest


# ---------------------------------------------------------------------------------------------
# Measuring

def can_drop_caches():
    try:
        subprocess.run(["sync"], check=True)
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


def warm(tree):
    subprocess.run(f"find {tree} -type f -print0 | xargs -0 cat > /dev/null", shell=True, check=True)


def measure(command, env, log, cold, tree):
    if cold:
        can_drop_caches()
    else:
        warm(tree)
    log.write(f"\n$ {command}\n")
    log.flush()
    report = os.path.join(os.path.dirname(log.name), "time.out")
    start = time.monotonic()
    # /usr/bin/time forks the command: see the module's note on ru_maxrss.
    process = subprocess.run(["/usr/bin/time", "-o", report, "-f", "%M %U %S", "bash", "-c", command],
                             stdout=log, stderr=log, env=env)
    wall = time.monotonic() - start
    if process.returncode != 0:
        raise SystemExit(f"benchmark command failed ({process.returncode}): {command}\nsee {log.name}")
    fields = open(report).read().split()[-3:]
    return wall, int(fields[0]) * 1024, float(fields[1]) + float(fields[2])


def sh(command, env, log):
    log.write(f"\n$ {command}\n")
    log.flush()
    subprocess.run(["bash", "-c", command], stdout=log, stderr=log, env=env, check=True)


# ---------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="~100 MiB / 5,000 files instead of ~1 GiB / 50,000")
    parser.add_argument("--tree", choices=sorted(SIZES), help="the tree by name (issue: issue #18's, 311 MiB / 20,000 files)")
    parser.add_argument("--scaling", action="store_true", help="create/verify/restore alone on the scaling trees")
    parser.add_argument("--warm", action="store_true", help="warm page cache (the tree read before each run) instead of dropping it")
    parser.add_argument("--runs", type=int, default=1, help="runs per command; the median is shown")
    parser.add_argument("--work", default="/tmp/bundle-bench", help="where the tree, repositories and outputs go")
    parser.add_argument("--bin", required=True, help="the release bundle binary")
    parser.add_argument("--only", help="comma-separated substrings: run only matching commands")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()

    if args.scaling:
        return scaling(args)
    size = args.tree or ("quick" if args.quick else "full")
    work = os.path.abspath(args.work)
    global STAMP
    STAMP = os.path.join(work, "last-removal")
    tree = os.path.join(work, f"tree-{size}")
    out = os.path.join(work, "out")
    keys = os.path.join(work, "keys")
    os.makedirs(work, exist_ok=True)
    generate(tree, size)
    files, total, biggest = tree_stats(tree)
    if not args.only:
        # A full run starts clean; `--only verify` reuses the bundles an earlier run made.
        remove_tree(out)
    os.makedirs(out, exist_ok=True)
    os.makedirs(keys, exist_ok=True)
    log = open(os.path.join(work, "bench.log"), "w")

    cores = os.cpu_count()
    env = dict(os.environ)
    env.update(
        RESTIC_PASSWORD="bench", BORG_PASSPHRASE="bench", SOURCE_DATE_EPOCH=str(EPOCH),
        RESTIC_CACHE_DIR=os.path.join(work, "cache/restic"), BORG_BASE_DIR=os.path.join(work, "cache/borg"),
        BUNDLE=args.bin, TREE=tree, OUT=out, KEYS=keys, LC_ALL="C")
    profile = os.path.join(work, "bench-tree.yaml")
    with open(profile, "w") as f:
        f.write("version: 1\nid: bench-tree\nname: Benchmark tree\nvariables:\n  Tree: /srv/tree\n"
                "items:\n  - id: tree\n    directory: ${Tree}\n    role: other\n    required: true\n")
    env["PROFILE"] = profile
    if not os.path.exists(os.path.join(keys, "bench.key")):
        sh('"$BUNDLE" keygen --out "$KEYS/bench"', env, log)
    if not os.path.exists(os.path.join(keys, "m.key")):
        sh('minisign -G -W -f -p "$KEYS/m.pub" -s "$KEYS/m.key"', env, log)

    create = '"$BUNDLE" create --profile "$PROFILE" --var Tree="$TREE" --sign-key "$KEYS/bench.key"'
    # Each restore goes into a folder of its own ($X, `fresh_target`), and the sync before it
    # (outside the timing) writes back what earlier runs left dirty: each restore pays for its
    # own writeback only.
    restore_prep = 'mkdir -p "$X" && sync'
    # (group, name, prepare, command, output file for the size column)
    benches = [
        ("create", "bundle create (gzip)", 'rm -f "$OUT/b-gzip.bundle"',
         f'{create} --out "$OUT/b-gzip.bundle"', "b-gzip.bundle"),
        ("create", "bundle create (zstd)", 'rm -f "$OUT/b-zstd.bundle"',
         f'{create} --compression zstd --out "$OUT/b-zstd.bundle"', "b-zstd.bundle"),
        ("create", "sha256sum + minisign -S + tar -czf", 'rm -rf "$OUT/manual" "$OUT/manual.tar.gz" && mkdir "$OUT/manual"',
         'cd "$TREE" && find . -type f -print0 | sort -z | xargs -0 sha256sum > "$OUT/manual/SHA256SUMS"'
         ' && minisign -S -s "$KEYS/m.key" -m "$OUT/manual/SHA256SUMS"'
         ' && tar -czf "$OUT/manual.tar.gz" -C "$OUT/manual" SHA256SUMS SHA256SUMS.minisig -C "$TREE" .',
         "manual.tar.gz"),
        ("create", f"tar -cf - | pigz -p{cores} -6", 'rm -f "$OUT/pigz.tar.gz"',
         f'tar -cf - -C "$TREE" . | pigz -p{cores} -6 > "$OUT/pigz.tar.gz"', "pigz.tar.gz"),
        ("create", f"tar -cf - | zstd -3 -T{cores}", 'rm -f "$OUT/t.tar.zst"',
         f'tar -cf - -C "$TREE" . | zstd -q -3 -T{cores} > "$OUT/t.tar.zst"', "t.tar.zst"),
        ("create", "restic backup", 'rm -rf "$OUT/restic" && restic init -r "$OUT/restic"',
         'restic backup -q -r "$OUT/restic" "$TREE"', "restic"),
        ("create", "borg create", 'rm -rf "$OUT/borg" && borg init -e repokey "$OUT/borg"',
         'borg create "$OUT/borg::bench" "$TREE"', "borg"),
        ("verify", "bundle verify (gzip)", "", '"$BUNDLE" verify "$OUT/b-gzip.bundle" --pubkey "$KEYS/bench.pub"', None),
        ("verify", "bundle verify (zstd)", "", '"$BUNDLE" verify "$OUT/b-zstd.bundle" --pubkey "$KEYS/bench.pub"', None),
        ("verify", "gzip -dc bundle > /dev/null", "", 'gzip -dc "$OUT/b-gzip.bundle" > /dev/null', None),
        ("verify", "zstd -dc bundle > /dev/null", "", 'zstd -q -dc "$OUT/b-zstd.bundle" > /dev/null', None),
        ("verify", "restic check --read-data", "", 'restic check --read-data -r "$OUT/restic"', None),
        ("verify", "borg check --verify-data", "", 'borg check --verify-data "$OUT/borg"', None),
        ("restore", "bundle restore (gzip)", restore_prep,
         '"$BUNDLE" restore "$OUT/b-gzip.bundle" --pubkey "$KEYS/bench.pub" --root "$X" --var Tree=/tree', None),
        ("restore", "bundle restore (zstd)", restore_prep,
         '"$BUNDLE" restore "$OUT/b-zstd.bundle" --pubkey "$KEYS/bench.pub" --root "$X" --var Tree=/tree', None),
        ("restore", "tar -xzf", restore_prep, 'tar -xzf "$OUT/manual.tar.gz" -C "$X"', None),
        ("restore", "tar -xzf && sync", restore_prep, 'tar -xzf "$OUT/manual.tar.gz" -C "$X" && sync', None),
        ("restore", "restic restore", restore_prep, 'restic restore latest -q -r "$OUT/restic" --target "$X"', None),
        ("restore", "restic restore && sync", restore_prep,
         'restic restore latest -q -r "$OUT/restic" --target "$X" && sync', None),
        ("restore", "borg extract", restore_prep, 'cd "$X" && borg extract "$OUT/borg::bench"', None),
        ("restore", "borg extract && sync", restore_prep, 'cd "$X" && borg extract "$OUT/borg::bench" && sync', None),
    ]
    if args.only:
        keep = [s.strip() for s in args.only.split(",")]
        benches = [b for b in benches if any(k in b[1] for k in keep)]

    cold = not args.warm and can_drop_caches()
    load = os.getloadavg()
    print(f"tree: {files} files, {total / MiB:.0f} MiB (largest {biggest / MiB:.0f} MiB); "
          f"{'cold cache (dropped before each run)' if cold else 'warm cache (--warm)' if args.warm else 'warm cache (cannot drop it)'}; "
          f"load average at start {load[0]:.2f}", file=sys.stderr, flush=True)
    results = []
    # A group's runs go round its commands (restore gzip, zstd, tar, ..., then again) rather
    # than one command's runs back to back, so what drifts during the group (writeback left by
    # earlier runs, the load, ext4's toll for recently deleted inodes) falls on each alike.
    runs_of = {name: [] for _, name, _, _, _ in benches}
    for group in dict.fromkeys(b[0] for b in benches):
        if group == "restore":
            settle()
        for _ in range(args.runs):
            for _, name, prepare, command, _ in (b for b in benches if b[0] == group):
                fresh_target(env, out)
                if prepare:
                    sh(prepare, env, log)
                runs_of[name].append(measure(command, env, log, cold, tree))
    for group, name, prepare, command, product in benches:
        runs = runs_of[name]
        wall = statistics.median(r[0] for r in runs)
        rss = max(r[1] for r in runs)
        cpu = statistics.median(r[2] for r in runs)
        size_ = None
        if product:
            path = os.path.join(out, product)
            size_ = os.path.getsize(path) if os.path.isfile(path) else int(
                subprocess.run(["du", "-sb", path], capture_output=True, text=True).stdout.split()[0])
        results.append(dict(group=group, name=name, wall=wall, rss=rss, cpu=cpu, size=size_))
        print(f"  {name:40s} {wall:8.2f} s  {rss / MiB:7.1f} MiB RSS", file=sys.stderr, flush=True)
    remove_tree(os.path.join(out, "restores"))

    reference = {"create": "bundle create (gzip)", "verify": "bundle verify (gzip)", "restore": "bundle restore (gzip)"}
    walls = {r["name"]: r["wall"] for r in results}
    cpu_model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")) / (1 << 20)
    lines = [
        f"Machine: {cores} cores ({cpu_model}), {mem:.1f} GiB RAM, Linux {platform.release()}; "
        f"load average {load[0]:.2f} at start.",
        f"Tree ({size}): {files} files, {total / MiB:.0f} MiB, largest file {biggest / MiB:.0f} MiB; "
        f"{'page cache dropped before every run' if cold else 'warm page cache'}; "
        f"{args.runs} run(s) per command{', median shown' if args.runs > 1 else ''}.",
        "",
        "| command | wall s | MiB/s | CPU s | peak RSS MiB | output MiB | × bundle |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        ref = walls.get(reference[r["group"]])
        ratio = f"{r['wall'] / ref:.2f}" if ref else "-"
        size_ = f"{r['size'] / MiB:.0f}" if r["size"] is not None else ""
        lines.append(f"| {r['name']} | {r['wall']:.2f} | {total / MiB / r['wall']:.0f} | {r['cpu']:.1f} | "
                     f"{r['rss'] / MiB:.1f} | {size_} | {ratio} |")
    lines.append("")
    lines.append("× bundle: wall time divided by bundle's (gzip) for the same task; below 1 is faster than bundle.")

    def goal(text, ok):
        lines.append(f"- {'met' if ok else 'NOT met'}: {text}")

    def ratio(text, mine, theirs, limit=None):
        # mine / theirs against a limit (≤ limit × theirs), or "faster than" without one.
        a, b = walls.get(mine), walls.get(theirs)
        if a and b:
            goal(f"{text}: {a / b:.2f}", a <= limit * b if limit else a < b)

    gzip, zstd = "bundle create (gzip)", "bundle create (zstd)"
    verify, verify_z = "bundle verify (gzip)", "bundle verify (zstd)"
    restore, restore_z = "bundle restore (gzip)", "bundle restore (zstd)"
    lines.append("")
    lines.append("Goals (issue #18):")
    ratio("create gzip ≤ 1.0 × tar | pigz", gzip, f"tar -cf - | pigz -p{cores} -6", 1.0)
    ratio("create zstd ≤ 1.5 × tar | zstd -3", zstd, f"tar -cf - | zstd -3 -T{cores}", 1.5)
    for other in ["restic backup", "borg create"]:
        ratio(f"create zstd faster than {other}", zstd, other)
    ratio("verify gzip ≤ 0.6 × gzip -dc", verify, "gzip -dc bundle > /dev/null", 0.6)
    ratio("verify gzip ≤ 1.0 × restic check --read-data", verify, "restic check --read-data", 1.0)
    for other in ["gzip -dc bundle > /dev/null", "restic check --read-data", "borg check --verify-data"]:
        ratio(f"verify zstd faster than {other}", verify_z, other)
    ratio("restore gzip ≤ 1.0 × (tar -xzf && sync)", restore, "tar -xzf && sync", 1.0)
    # Issue #18 compares restores "+ sync": bundle's restore is durable, so the peers' rows with sync.
    ratio("restore gzip ≤ 1.0 × (restic restore && sync)", restore, "restic restore && sync", 1.0)
    ratio("restore zstd ≤ restore gzip", restore_z, restore, 1.0)
    peak = max((r["rss"] for r in results if r["name"].startswith("bundle")), default=0)
    if peak:
        goal(f"peak RSS ≤ 48 MiB on every bundle command: {peak / MiB:.1f} MiB", peak <= 48 * MiB)
    print("\n".join(lines))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(size=size, files=files, bytes=total, cold=cold, load=load, results=results), f, indent=1)


def scaling(args):
    """create, verify and restore (gzip) on trees of 0.25, 1 and 4 GiB with 10k, 100k and 1M files."""
    work = os.path.abspath(args.work)
    global STAMP
    STAMP = os.path.join(work, "last-removal")
    out = os.path.join(work, "out")
    keys = os.path.join(work, "keys")
    os.makedirs(keys, exist_ok=True)
    log = open(os.path.join(work, "bench.log"), "w")
    env = dict(os.environ, BUNDLE=args.bin, OUT=out, KEYS=keys, SOURCE_DATE_EPOCH=str(EPOCH), LC_ALL="C")
    profile = os.path.join(work, "bench-tree.yaml")
    with open(profile, "w") as f:
        f.write("version: 1\nid: bench-tree\nname: Benchmark tree\nvariables:\n  Tree: /srv/tree\n"
                "items:\n  - id: tree\n    directory: ${Tree}\n    role: other\n    required: true\n")
    env["PROFILE"] = profile
    if not os.path.exists(os.path.join(keys, "bench.key")):
        sh('"$BUNDLE" keygen --out "$KEYS/bench"', env, log)
    cold = not args.warm and can_drop_caches()
    load = os.getloadavg()
    lines = [f"Scaling (gzip; {'cold' if cold else 'warm'} cache; {args.runs} run(s), median; load {load[0]:.2f} at start)", "",
             "| tree | files | MiB | create s | create MiB RSS | verify s | verify MiB RSS | restore s | restore MiB RSS |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name in ["s-0.25g-10k", "s-1g-10k", "s-4g-10k", "s-0.25g-100k", "s-1g-100k", "s-1g-1m"]:
        if args.only and not any(k.strip() in name for k in args.only.split(",")):
            continue
        tree = os.path.join(work, f"tree-{name}")
        generate(tree, name)
        files, total, _ = tree_stats(tree)
        remove_tree(out)
        os.makedirs(out)
        env["TREE"] = tree
        row = []
        for prepare, command in [
            ('rm -f "$OUT/b.bundle"', '"$BUNDLE" create --profile "$PROFILE" --var Tree="$TREE" --sign-key "$KEYS/bench.key" --out "$OUT/b.bundle"'),
            # A million files is more members than verify and restore read by default.
            ("", '"$BUNDLE" verify "$OUT/b.bundle" --pubkey "$KEYS/bench.pub" --max-members 2000000'),
            ('mkdir -p "$X" && sync', '"$BUNDLE" restore "$OUT/b.bundle" --pubkey "$KEYS/bench.pub" --root "$X" --var Tree=/tree --max-members 2000000'),
        ]:
            runs = []
            if "restore" in command:
                settle()
            for _ in range(args.runs):
                fresh_target(env, out)
                if prepare:
                    sh(prepare, env, log)
                runs.append(measure(command, env, log, cold, tree))
            row.append((statistics.median(r[0] for r in runs), max(r[1] for r in runs)))
        remove_tree(out)
        cells = " | ".join(f"{wall:.2f} | {rss / MiB:.1f}" for wall, rss in row)
        lines.append(f"| {name} | {files} | {total / MiB:.0f} | {cells} |")
        print(lines[-1], file=sys.stderr, flush=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
