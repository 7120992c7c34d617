"""Demo articles, written for this project: science and technology cooperation news."""

from __future__ import annotations

from typing import Any

ARTICLES: list[dict[str, Any]] = [
    {
        "slug": "shared-labs-shared-data",
        "title": "Shared labs, shared data: why open research infrastructure is getting attention",
        "summary": "Funders on three continents are asking the labs they support to open their "
        "instruments and data to partners abroad. Researchers say the hard part is "
        "not the technology but the paperwork.",
        "author": "Mei Lin",
        "days_ago": 3,
        "categories": ["Open science", "Research policy"],
        "body": """A microscope that sits idle at night in one city can run a colleague's samples
from another continent by morning. That simple idea is behind a wave of agreements that let
research groups book time on each other's instruments and reuse each other's data.

## What is changing

- **Common booking rules.** Partner institutes publish the same terms for outside users,
  so a visiting team knows in advance what a day of beam time costs.
- **Data that travels with its context.** Shared datasets now come with the calibration
  notes and software versions needed to reproduce a result.
- **Credit that counts.** Several funders now count datasets and instrument time offered to
  others in their evaluations, not only papers.

## What still gets in the way

Researchers we spoke to named the same obstacles: export rules that differ by country,
contracts that take months, and uncertainty about who owns results produced on borrowed
equipment. "The science is the quick part," one facility manager said.

The events listed below bring these groups together to compare notes.""",
    },
    {
        "slug": "quantum-links-across-borders",
        "title": "Quantum communication research moves toward cross-border test networks",
        "summary": "Physicists are planning links between national testbeds. The physics is "
        "ready for trials; the standards and the trust between operators are not yet.",
        "author": "Daniel Okafor",
        "days_ago": 9,
        "categories": ["Quantum technology", "International cooperation"],
        "body": """National quantum communication testbeds have grown from single laboratory links
into metropolitan networks. The next step being discussed is to connect them to each other.

Doing so means agreeing on how keys are handed over between operators, how equipment from
different makers is certified, and how results are shared openly while protecting the
security of the links themselves.

> "A link between two countries is as much a diplomatic project as a technical one,"
> said a researcher involved in early planning.

Public lectures and workshops this season explain what such networks can and cannot do.""",
    },
    {
        "slug": "ideas-shared-and-protected",
        "title": "Protecting ideas while sharing them: intellectual property in joint projects",
        "summary": "Joint research needs clear rules on who owns what. A new set of model "
        "agreements aims to make those rules quicker to write and easier to trust.",
        "author": "Sofia Brandt",
        "days_ago": 16,
        "categories": ["Research policy", "Innovation"],
        "body": """When two universities in different countries invent something together, who
owns it? Without an answer written down early, promising work can stall for years.

Legal teams at several research organisations have drafted *model agreements* that cover
background knowledge each partner brings, results produced together, and how licensing
income is split. Early users report that negotiations shrink from months to weeks.

The clinics below walk research managers through the templates, clause by clause.""",
    },
    {
        "slug": "young-researchers-mobility",
        "title": "Young researchers and the mobility gap",
        "summary": "Exchange programmes are expanding, but early-career scientists say visas, "
        "housing and family rules still decide who can take part.",
        "author": "Priya Raman",
        "days_ago": 24,
        "categories": ["International cooperation", "Careers"],
        "body": """Short research stays abroad are often described as the start of a scientific
career. Surveys of doctoral students and postdocs show that many never take one.

The reasons are practical: visa processing times, housing costs near host institutes, and
programmes that do not allow a partner or child to come along. Programme managers are now
testing shorter, more flexible stays and remote collaboration periods before a visit.

Information sessions for applicants are listed with this article.""",
    },
]
