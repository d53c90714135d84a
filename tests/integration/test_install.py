"""volley installs like any other command: `cmake --install` and `cpack -G DEB` lay out the
binary, the man page, both completions and the docs, and the man page and completions name every
long flag `volley --help` lists, so they cannot drift from the binary."""

import os
import re
import shutil
import subprocess
import tempfile
import unittest

import harness

ROOT = os.path.normpath(os.path.join(harness.HERE, "..", ".."))
MAN_PAGE = os.path.join(ROOT, "docs", "volley.1")
BASH_COMPLETION = os.path.join(ROOT, "completions", "volley.bash")
ZSH_COMPLETION = os.path.join(ROOT, "completions", "_volley")

# docs/*.md go beside the README in a docs/ folder of their own, so the README's links and the
# man page's "see docs/cron.md" name them from the installed doc folder as from the source tree.
DOC_PAGES = sorted(f for f in os.listdir(os.path.join(ROOT, "docs")) if f.endswith(".md"))
INSTALLED = (
    "bin/volley",
    "share/man/man1/volley.1",
    "share/bash-completion/completions/volley",
    "share/zsh/vendor-completions/_volley",
    "share/doc/volley/README.md",
    "share/doc/volley/LICENSE",
) + tuple("share/doc/volley/docs/" + f for f in DOC_PAGES)


def readme_links():
    """The README's links to files of the source tree (docs/output.md, …)."""
    with open(os.path.join(ROOT, "README.md")) as f:
        return sorted(set(re.findall(r"\]\((docs/[^)#]+)", f.read())))


def build_dir():
    """The CMake build folder of the binary under test."""
    return os.path.dirname(harness.volley_path())


def long_flags():
    r = harness.run(["--help"], parse=False)
    assert r.rc == 0, r.describe()
    return sorted(set(re.findall(r"(?<![\w-])(--[a-z0-9][a-z0-9.-]*[a-z0-9])", r.stdout.decode())))


def mentions(text, flag):
    return re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(flag), text) is not None


class DocsTest(unittest.TestCase):
    def test_help_lists_flags(self):
        # Guards the checks below: a --help the regex cannot read would make them vacuous.
        flags = long_flags()
        for f in ("--concurrency", "--input", "--max-body", "--http1.1", "--version"):
            self.assertIn(f, flags)

    def test_man_page_names_every_flag(self):
        with open(MAN_PAGE) as f:
            text = f.read().replace("\\-", "-")  # roff writes a literal hyphen as \-
        missing = [f for f in long_flags() if not mentions(text, f)]
        self.assertEqual(missing, [], "flags missing from docs/volley.1")

    def test_completions_name_every_flag(self):
        for path in (BASH_COMPLETION, ZSH_COMPLETION):
            with open(path) as f:
                text = f.read()
            missing = [f for f in long_flags() if not mentions(text, f)]
            self.assertEqual(missing, [], "flags missing from %s" % path)

    def test_man_page_renders_without_warnings(self):
        if not shutil.which("groff"):
            self.skipTest("groff is not installed")
        r = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", MAN_PAGE], capture_output=True,
                           timeout=60)
        self.assertEqual((r.returncode, r.stderr.decode()), (0, ""))
        r = subprocess.run(["groff", "-man", "-Tutf8", MAN_PAGE], capture_output=True, timeout=60)
        text = re.sub(".\x08", "", r.stdout.decode())  # overstrike (bold, underline) to plain text
        for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "OUTPUT", "EXIT STATUS",
                        "EXAMPLES", "FILES", "SEE ALSO"):
            self.assertRegex(text, r"(?m)^%s$" % section)

    def test_bash_completion_completes_flags_and_values(self):
        script = ('source "%s"; COMP_WORDS=(volley --conc); COMP_CWORD=1; _volley; echo "${COMPREPLY[*]}";'
                  ' COMP_WORDS=(volley --links=a); COMP_CWORD=1; _volley; echo "${COMPREPLY[*]}"'
                  % BASH_COMPLETION)
        r = subprocess.run(["bash", "-c", script], capture_output=True, timeout=60)
        self.assertEqual(r.stdout.decode().split("\n")[:2], ["--concurrency", "--links=a --links=all"],
                         r.stderr.decode())

    def test_bash_completion_of_enqueue_offers_its_own_flags(self):
        def complete(*words):
            script = ('source "%s"; COMP_WORDS=(%s); COMP_CWORD=%d; _volley; echo "${COMPREPLY[*]}"'
                      % (BASH_COMPLETION, " ".join(words), len(words) - 1))
            r = subprocess.run(["bash", "-c", script], capture_output=True, timeout=60)
            self.assertEqual(r.stderr, b"")
            return r.stdout.decode().split()
        self.assertEqual(complete("volley", "enqueue", "--sh"), ["--shards"])
        self.assertEqual(complete("volley", "enqueue", "redis://q/s", "--sh"), ["--shards"])
        self.assertEqual(complete("volley", "--sha"), ["--shard"])
        self.assertEqual(complete("volley", "enqueue", "--shards", "4"), [])
        r = harness.run(["enqueue", "--help"], parse=False)
        # The flags its entries begin with, not those their descriptions mention.
        enqueue_flags = set(re.findall(r"(?m)^ +(?:-\w, ?)?(--[a-z0-9][a-z0-9.-]*[a-z0-9])", r.stdout.decode()))
        self.assertIn("--shards", enqueue_flags)
        self.assertEqual(set(complete("volley", "enqueue", "--")), enqueue_flags)


class InstallTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="volley-install-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def test_cmake_install_lays_out_every_file(self):
        prefix = os.path.join(self.tmp, "prefix")
        r = subprocess.run(["cmake", "--install", build_dir(), "--prefix", prefix], capture_output=True,
                           timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        for rel in INSTALLED:
            self.assertTrue(os.path.isfile(os.path.join(prefix, rel)), rel)
        self.assertIn("cron.md", DOC_PAGES)
        links = readme_links()
        self.assertIn("docs/output.md", links)
        for link in links:
            if link.endswith(".md"):
                self.assertTrue(os.path.isfile(os.path.join(prefix, "share/doc/volley", link)), link)
        r = subprocess.run([os.path.join(prefix, "bin", "volley"), "--version"], capture_output=True,
                           timeout=60)
        self.assertEqual(r.returncode, 0)
        self.assertTrue(r.stdout.startswith(b"volley "))

    def test_deb_package_holds_the_files_and_real_dependencies(self):
        if not (shutil.which("cpack") and shutil.which("dpkg-deb") and shutil.which("dpkg-shlibdeps")):
            self.skipTest("cpack, dpkg-deb or dpkg-shlibdeps (dpkg-dev) is missing")
        out = os.path.join(self.tmp, "pkg")
        r = subprocess.run(["cpack", "-G", "DEB", "-B", out], cwd=build_dir(), capture_output=True,
                           timeout=600)
        self.assertEqual(r.returncode, 0, r.stdout.decode()[-3000:] + r.stderr.decode()[-3000:])
        debs = [f for f in os.listdir(out) if f.endswith(".deb")]
        self.assertEqual(len(debs), 1, debs)
        self.assertRegex(debs[0], r"^volley_\d+\.\d+\.\d+_[a-z0-9]+\.deb$")
        deb = os.path.join(out, debs[0])

        info = subprocess.run(["dpkg-deb", "-f", deb, "Depends"], capture_output=True, timeout=60)
        depends = info.stdout.decode()
        for package in ("libcurl4", "libre2", "libssl3", "libsqlite3-0"):
            self.assertIn(package, depends)
        # gumbo is the tests' oracle for the HTML scanner, no longer a part of the program.
        self.assertNotIn("libgumbo", depends)

        root = os.path.join(self.tmp, "root")
        subprocess.run(["dpkg-deb", "-x", deb, root], check=True, timeout=60)
        for rel in INSTALLED:
            self.assertTrue(os.path.isfile(os.path.join(root, "usr", rel)), rel)
        r = subprocess.run([os.path.join(root, "usr", "bin", "volley"), "--version"], capture_output=True,
                           timeout=60)
        self.assertEqual(r.returncode, 0)


if __name__ == "__main__":
    harness.main()
