# Writes the small .npy fixtures NPYTests reads. Run once with NumPy:
#   python3 Tests/VisTensorTests/Fixtures/make_npy_fixtures.py
import os
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
def save(name, a):
    np.save(os.path.join(here, name), a)

save("npy_f4.npy", np.arange(6, dtype=np.float32).reshape(2, 3) / 4)
save("npy_i8.npy", np.array([[-3, 0], [7, 2**40]], dtype=np.int64))
save("npy_b1.npy", np.array([True, False, True]))
save("npy_f8.npy", np.array([0.5, -1.25], dtype=np.float64))
save("npy_scalar.npy", np.array(3.5, dtype=np.float32))
save("npy_empty.npy", np.zeros((0, 3), dtype=np.float32))
save("npy_fortran.npy", np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
save("npy_bigendian.npy", np.arange(3, dtype=">f4"))
save("npy_complex.npy", np.array([1 + 2j], dtype=np.complex64))
