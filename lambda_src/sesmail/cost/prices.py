"""The dated, region-keyed price table (``prices.json`` beside this module)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Final

PRICES_FILE: Final = Path(__file__).with_name("prices.json")


class PriceError(ValueError):
    """No prices for that region, or a malformed price file; the message says which."""


@dataclass(frozen=True, slots=True)
class Prices:
    region: str
    as_of: str
    currency: str
    per_unit: dict[str, float]
    sources: dict[str, str]

    def __getitem__(self, name: str) -> float:
        return self.per_unit[name]


def known_regions(path: Path = PRICES_FILE) -> list[str]:
    return sorted(json.loads(path.read_text())["regions"])


def load_prices(region: str, path: Path = PRICES_FILE) -> Prices:
    document = json.loads(path.read_text())
    regions = document["regions"]
    if region not in regions:
        raise PriceError(
            f"no prices for region {region!r} in {path.name}; known: {', '.join(sorted(regions))}"
        )
    per_unit = {name: float(value) for name, value in regions[region].items()}
    missing = sorted(set(document["sources"]) - set(per_unit))
    if missing:
        raise PriceError(f"{path.name}: region {region} lacks {', '.join(missing)}")
    return Prices(region, document["as_of"], document["currency"], per_unit, dict(document["sources"]))
