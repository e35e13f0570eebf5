import QtQuick

// A form that scrolls the field being typed in into view above the on-screen keyboard.
// The view ends where the keyboard begins (keyboardHeight, 0 while it is hidden), so
// whatever the view shows is never under the keyboard.
Flickable {
    id: root
    property real keyboardHeight: 0
    // Room kept above and below the field when it is scrolled to.
    property real fieldMargin: 16
    // The form inside, whose fields are followed.
    required property Item form
    readonly property Item focusedItem: root.Window.activeFocusItem

    clip: true
    boundsBehavior: Flickable.StopAtBounds
    contentHeight: root.form.height

    function showFocused(): void {
        const item = root.focusedItem
        let parentItem = item
        while (parentItem !== null && parentItem !== root.form)
            parentItem = parentItem.parent
        if (item === null || parentItem === null)
            return
        const top = item.mapToItem(root.form, 0, 0).y - root.fieldMargin
        const bottom = top + item.height + 2 * root.fieldMargin
        const most = Math.max(0, root.contentHeight - root.height)
        if (top < root.contentY)
            root.contentY = Math.max(0, top)
        else if (bottom > root.contentY + root.height)
            root.contentY = Math.min(most, bottom - root.height)
    }

    onFocusedItemChanged: root.showFocused()
    // The keyboard opens (or changes layout) after the field took the focus.
    onHeightChanged: root.showFocused()
}
