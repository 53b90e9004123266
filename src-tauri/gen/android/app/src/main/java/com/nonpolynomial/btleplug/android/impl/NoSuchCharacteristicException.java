package com.nonpolynomial.btleplug.android.impl;

class NoSuchCharacteristicException extends BluetoothException {
}
