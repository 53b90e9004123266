package com.nonpolynomial.btleplug.android.impl;

class NotConnectedException extends BluetoothException {
}
