package com.nonpolynomial.btleplug.android.impl;

class PermissionDeniedException extends BluetoothException {
    public PermissionDeniedException() {
        super();
    }

    public PermissionDeniedException(Throwable cause) {
        super(cause);
    }
}
