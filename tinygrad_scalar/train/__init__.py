"""Training: ``fit``, history and early stopping, checkpoints, evaluation, plots.

``loop`` holds ``fit`` (``progress``: how it reports each epoch); ``history`` what it
records (``History``, ``EarlyStopping``); ``checkpoint`` the files it saves and resumes
from; ``recovery`` how it comes back from a failure; ``batch`` one mini-batch
(``batch_step``); ``inference`` ``evaluate`` and ``predict``; ``learner`` ``Learner``
(model, loss and optimizer together); ``plots`` the pictures; ``regression_plots`` the
fitted curve or surface of a regression; ``report`` the page of a run (``TrainingReport``).
"""

from .batch import batch_step
from .checkpoint import CHECKPOINT_FORMAT, CHECKPOINT_VERSION, load_checkpoint, save_checkpoint
from .history import EarlyStopping, History
from .inference import evaluate, predict
from .learner import Learner
from .loop import fit
from .regression_plots import plot_fit_curve, plot_fit_surface
from .report import TrainingReport

__all__ = [
    "CHECKPOINT_FORMAT",
    "CHECKPOINT_VERSION",
    "EarlyStopping",
    "History",
    "Learner",
    "TrainingReport",
    "batch_step",
    "evaluate",
    "fit",
    "load_checkpoint",
    "plot_fit_curve",
    "plot_fit_surface",
    "predict",
    "save_checkpoint",
]
