"""Fixed-rank Nystrom approximation of a PSD matrix from a streamed range sketch."""

import numbers

import numpy as np
import scipy.linalg as sla

from .._lib._random import as_generator, spawn_seed
from .._lib._validation import check_choice, check_scalar
from ._maps import TEST_MATRIX_KINDS, RandomMap
from ._updates import check_coefficients, check_update

__all__ = ["NystromSketch"]


class NystromSketch:
    """Streaming Nystrom sketch ``Y = A Omega`` of an ``n x n`` PSD matrix.

    Parameters
    ----------
    n : int
        Side of the matrix.
    k : int
        Sketch size, ``1 <= k <= n``.
    test_matrix : {"gaussian", "rademacher"}, default "gaussian"
        Distribution of the entries of ``Omega`` (``n x k``).
    rng : None, int, SeedSequence or Generator, optional
        Source of ``Omega``.

    Attributes
    ----------
    n, k : int
        Sizes.
    n_updates : int
        Number of accepted updates.

    Raises
    ------
    ValueError
        If a size is out of range or ``test_matrix`` is unknown.

    See Also
    --------
    ThreeSketch : For general (non-PSD, rectangular) matrices.

    Notes
    -----
    Updates ``A <- theta*A + eta*H`` give ``Y <- theta*Y + eta*H Omega``. Reconstruction
    (Algorithm 3 of [1]_): with a shift ``nu = sqrt(n) * spacing(||Y||_2)``,
    ``Y_nu = Y + nu*Omega``, ``B = Omega^T Y_nu = C^T C`` (Cholesky), the SVD
    ``Y_nu C^{-1} = U Sigma V^T`` gives ``A_hat = U max(Sigma^2 - nu, 0) U^T``, which is PSD.
    The rank-``r`` truncation satisfies
    ``E ||A - [[A_hat]]_r||_* <= (1 + r/(k - r - 1)) ||A - [[A]]_r||_*`` for Gaussian
    ``Omega`` ([1]_, Theorem 4.1).

    References
    ----------
    .. [1] J. A. Tropp, A. Yurtsever, M. Udell and V. Cevher, "Fixed-rank approximation of a
       positive-semidefinite matrix from streaming data", NeurIPS 30 (2017).

    Examples
    --------
    >>> import numpy as np
    >>> from analoglinalg.streaming import NystromSketch
    >>> rng = np.random.default_rng(0)
    >>> G = rng.standard_normal((50, 4))
    >>> sk = NystromSketch(50, 8, rng=1).update((G, G))
    >>> U, lam = sk.factors(rank=4)
    >>> bool(np.allclose((U * lam) @ U.T, G @ G.T))
    True
    """

    def __init__(self, n, k, *, test_matrix="gaussian", rng=None):
        n = check_scalar(n, "n", kind=numbers.Integral, low=1)
        k = check_scalar(k, "k", kind=numbers.Integral, low=1, high=n)
        check_choice(test_matrix, "test_matrix", TEST_MATRIX_KINDS)
        self.n, self.k = int(n), int(k)
        self.test_matrix = test_matrix
        self.n_updates = 0
        self._omega = RandomMap(self.k, spawn_seed(as_generator(rng)), 0,
                                test_matrix).columns(self.n).T
        self._Y = np.zeros((self.n, self.k))
        self._cache = None

    @property
    def Y(self):
        """The range sketch ``A Omega``, ``(n, k)`` (a copy)."""
        return self._Y.copy()

    @property
    def Omega(self):
        """The test matrix, ``(n, k)`` (a copy)."""
        return self._omega.copy()

    def update(self, H, theta=1.0, eta=1.0):
        """Apply ``A <- theta*A + eta*H``.

        Parameters
        ----------
        H : array_like, sparse matrix or tuple (H_f, H_b)
            The ``(n, n)`` update (symmetric for ``A`` to stay PSD), dense, sparse or
            factored as ``H_f @ H_b.T``.
        theta, eta : float, default 1.0
            Finite coefficients.

        Returns
        -------
        self : NystromSketch

        Raises
        ------
        ValueError
            For a wrong shape or non-finite entries or coefficients (sketch unchanged).
        """
        theta, eta = check_coefficients(theta, eta)
        kind, data = check_update(H, (self.n, self.n))
        if kind == "factored":
            F, B = data
            increment = F @ (B.T @ self._omega)
        else:
            increment = np.asarray(data @ self._omega)
        self._Y *= theta
        self._Y += eta * increment
        self.n_updates += 1
        self._cache = None
        return self

    def factors(self, rank=None):
        """Eigen-factors of the PSD approximation ``A_hat = U diag(lam) U^T``.

        Parameters
        ----------
        rank : int, optional
            Truncation rank, ``1 <= rank <= k``.

        Returns
        -------
        U : ndarray of shape (n, r)
            Orthonormal columns.
        lam : ndarray of shape (r,)
            Non-negative, decreasing.

        Raises
        ------
        ValueError
            If ``rank`` is out of range, or if the sketch is not that of a PSD matrix (the
            Cholesky factorisation of ``Omega^T Y_nu`` fails).
        """
        rank = check_scalar(rank, "rank", kind=numbers.Integral, low=1, high=self.k,
                            allow_none=True)
        if self._cache is None:
            Y, Omega = self._Y, self._omega
            nu = np.sqrt(self.n) * np.spacing(np.linalg.norm(Y, 2))
            Y_nu = Y + nu * Omega
            B = Omega.T @ Y_nu
            try:
                C = np.linalg.cholesky((B + B.T) / 2).T
            except np.linalg.LinAlgError as exc:
                raise ValueError(
                    "Omega^T Y is not positive definite: the sketched matrix is not PSD"
                ) from exc
            E = sla.solve_triangular(C, Y_nu.T, trans="T").T
            U, sigma, _ = np.linalg.svd(E, full_matrices=False)
            self._cache = (U, np.maximum(sigma ** 2 - nu, 0.0))
        U, lam = self._cache
        r = lam.size if rank is None else rank
        return U[:, :r].copy(), lam[:r].copy()

    def reconstruct(self, rank=None):
        """The PSD approximation as a dense ``(n, n)`` array.

        Parameters
        ----------
        rank : int, optional
            Truncation rank, ``1 <= rank <= k``.

        Returns
        -------
        ndarray of shape (n, n)

        Raises
        ------
        ValueError
            As :meth:`factors`.
        """
        U, lam = self.factors(rank)
        return (U * lam) @ U.T
