"""Reading a code aloud as a WAV recording, in the page's language.

The `captcha` library's AudioCaptcha joins one recording per character, with noise between
them. Its built-in recordings are English only, so the digits are spoken by Debian's
espeak-ng in each language the portal speaks and kept under the instance folder:

    <PORTAL_CAPTCHA_VOICES>/<locale>/<digit>/espeak.wav   8 kHz, 8-bit mono, as the library reads

They are made on first use (or ahead by `flask captcha voices`, which `make setup` runs).
A language espeak-ng has no voice for gets the English recordings; a machine without
espeak-ng gets the library's own English ones, so the recording never fails.
"""

import array
import functools
import logging
import os
import re
import secrets
import shutil
import subprocess  # nosec B404 # runs only espeak-ng, with a fixed argument list
import tempfile
import threading
import wave
from pathlib import Path

from captcha.audio import DATA_DIR, WAVE_SAMPLE_RATE, AudioCaptcha, mix_wave
from flask import current_app

from .challenge import ALPHABET

log = logging.getLogger(__name__)

# espeak-ng's voice for each page language; any other language is read in English.
VOICES = {"ru": "ru", "hi": "hi", "en": "en"}
FALLBACK = "en"
RATE = 8000  # Hz: what AudioCaptcha mixes at, one unsigned byte per sample
SPEED = 140  # words per minute: a little slower than espeak-ng's default, for clarity
_making = threading.Lock()
# The library's faint hiss: each byte 126..129 around the silence level 128.
HISS = bytes(126 + n % 4 for n in range(256))


def voices_root() -> Path:
    """Where the spoken digits of every language are kept."""
    return Path(current_app.config["PORTAL_CAPTCHA_VOICES"])


def _espeak() -> str | None:
    return shutil.which("espeak-ng")


def _to_library_format(source: Path, target: Path) -> None:
    """Resample espeak-ng's 16-bit WAV to the 8 kHz unsigned 8-bit mono AudioCaptcha mixes."""
    with wave.open(str(source)) as w:
        rate, width, channels = w.getframerate(), w.getsampwidth(), w.getnchannels()
        frames = w.readframes(w.getnframes())
    if width != 2 or channels != 1:
        raise ValueError(f"espeak-ng wrote {channels} channels of {width}-byte samples")
    samples = array.array("h", frames)
    # Averaging each output sample's span of input samples is a crude low-pass filter,
    # enough for speech, which has little above the 4 kHz an 8 kHz recording keeps.
    step = rate / RATE
    out = bytearray()
    for n in range(int(len(samples) / step)):
        span = samples[int(n * step) : max(int((n + 1) * step), int(n * step) + 1)]
        out.append(sum(span) // len(span) // 256 + 128)
    # espeak-ng pads the word with silence; trim it so the digits' gaps are the library's.
    loud = [i for i, v in enumerate(out) if abs(v - 128) > 4]
    if not loud:
        raise ValueError("espeak-ng wrote silence")
    body = out[max(0, loud[0] - 80) : loud[-1] + 80]
    with wave.open(str(target), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(RATE)
        w.writeframes(bytes(body))


def _has_voice(espeak: str, voice: str) -> bool:
    """Whether espeak-ng has this voice: asked for a missing one it quietly reads in its
    default voice (English), which a Russian page must not pass off as Russian."""
    listing = subprocess.run(  # nosec B603 # espeak-ng found on PATH, fixed arguments, no shell
        [espeak, f"--voices={voice}"], check=True, capture_output=True, text=True, timeout=30
    ).stdout
    for line in listing.splitlines()[1:]:
        # Pty, Language, Age/Gender, VoiceName, File, then "(other-language priority)" pairs.
        columns = line.split()
        if len(columns) < 5:
            continue
        names = {columns[1], columns[4].rsplit("/", 1)[-1], *re.findall(r"\((\S+) \d+\)", line)}
        if voice in names:
            return True
    return False


def _speak(espeak: str, voice: str, folder: Path) -> None:
    """Every digit in this espeak-ng voice, in the library's layout under folder."""
    if not _has_voice(espeak, voice):
        raise ValueError(f"espeak-ng has no voice {voice!r}")
    for digit in ALPHABET:
        (folder / digit).mkdir(parents=True)
        spoken = folder / f"{digit}.espeak.wav"
        subprocess.run(  # nosec B603 # espeak-ng found on PATH, fixed arguments, no shell
            [espeak, "-v", voice, "-s", str(SPEED), "-w", str(spoken), digit],
            check=True,
            capture_output=True,
            timeout=30,
        )
        _to_library_format(spoken, folder / digit / "espeak.wav")
        spoken.unlink()


def make_voices(root: Path, locale: str) -> Path | None:
    """The folder of this language's spoken digits, made with espeak-ng when it is missing;
    None when espeak-ng cannot speak the language (or is not installed)."""
    folder = root / locale
    if folder.is_dir():
        return folder
    espeak, voice = _espeak(), VOICES.get(locale)
    if espeak is None or voice is None:
        return None
    with _making:
        if folder.is_dir():
            return folder
        scratch = None
        try:
            root.mkdir(parents=True, exist_ok=True)
            # Made aside and renamed into place: another worker never reads a half-made folder.
            scratch = Path(tempfile.mkdtemp(prefix=f".{locale}-", dir=root))
            _speak(espeak, voice, scratch)
            os.rename(scratch, folder)
        except (OSError, ValueError, subprocess.SubprocessError) as exc:
            # A read-only instance folder, a broken voice, or another worker's rename first.
            if not folder.is_dir():
                log.warning("espeak-ng could not speak the %s digits: %s", locale, exc)
                return None
        finally:
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)
    return folder


def voice_folder(locale: str) -> str:
    """The recordings to read a code with on a page in this language."""
    root = voices_root()
    for candidate in dict.fromkeys((locale, FALLBACK)):
        folder = make_voices(root, candidate)
        if folder is not None:
            return str(folder)
    return DATA_DIR


class _Reader(AudioCaptcha):
    def create_background_noise(self, length: int, chars: str) -> bytearray:
        """The library's background (hiss under reversed snippets of other digits), with
        the hiss drawn in one call instead of one `secrets` call per sample: that loop
        took most of a recording's second of CPU."""
        noise = bytearray(os.urandom(length).translate(HISS))
        pos = 0
        while pos < length:
            snippet = self._noise_pick()
            end = pos + len(snippet) + 1
            noise[pos:end] = mix_wave(snippet, noise[pos:end])
            pos = end + secrets.randbelow(WAVE_SAMPLE_RATE // 10 + 1)
        return noise


@functools.cache
def _reader(folder: str) -> AudioCaptcha:
    # One per folder and process: it loads the recordings once.
    return _Reader(voicedir=folder)


def speak_wav(code: str, locale: str) -> bytes:
    """A recording of the code read digit by digit in this language, as WAV bytes."""
    return bytes(_reader(voice_folder(locale)).generate(code))
