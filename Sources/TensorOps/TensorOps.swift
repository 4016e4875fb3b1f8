// TensorOps: placeholder until its issue lands.
import COpenBLAS
